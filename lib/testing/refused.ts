// The one "this call is refused with that code" assertion of the service tests.
import { expect } from "vitest";
import { AppError } from "@/lib/errors";

/** Await `p`, expect it to fail with an AppError of `code`, and return that error (for its message and fields). */
export async function refused(p: Promise<unknown>, code: string): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  expect((e as AppError).code).toBe(code);
  return e as AppError;
}

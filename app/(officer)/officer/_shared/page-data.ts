import "server-only";
import { notFound } from "next/navigation";
import { AppError } from "@/lib/errors";

/** A service read for a page: "not found" becomes the 404 page, anything else goes to error.tsx. */
export async function orNotFound<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  }
}

/** The first value of a search parameter. */
export function param(sp: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = sp[name];
  return Array.isArray(v) ? v[0] : v;
}

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

/** A service read whose "not found" is an ordinary answer (e.g. an environment without a CA yet). */
export async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof AppError && e.code === "not_found") return null;
    throw e;
  }
}

/** The first value of a search parameter. */
export function param(sp: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = sp[name];
  return Array.isArray(v) ? v[0] : v;
}

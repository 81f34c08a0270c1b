import type { z } from "zod";
import { AppError } from "@/lib/errors";

/** Parse with a zod schema; on failure throw one 422 AppError naming each bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const key = issue.path.join(".") || "_";
    fields[key] ??= issue.message;
  }
  const summary = Object.entries(fields)
    .map(([k, v]) => (k === "_" ? v : `${k}: ${v}`))
    .join("; ");
  throw new AppError("validation_failed", summary, fields);
}

// One error path: services throw AppError(code, userMessage); route handlers map
// the code to an HTTP status, actions turn it into a form message.
import { randomBytes } from "node:crypto";
import { PkiError } from "@/lib/pki/cert/errors";
import { log } from "@/lib/log/logger";
import { currentRequestId } from "@/lib/log/request-context";

export type ErrorCode =
  | "bad_request"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "too_large"
  | "validation_failed"
  | "rate_limited"
  | "internal";

export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  too_large: 413,
  validation_failed: 422,
  rate_limited: 429,
  internal: 500,
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
  }
  get status(): number {
    return STATUS_BY_CODE[this.code];
  }
}

/**
 * Log an unexpected error; return the reference the user sees ("Something went wrong (ref …)"):
 * the request's id (X-Request-Id, also in the request's log lines and audit rows), or a fresh one
 * outside a request. The error itself goes to the log only, never to the user.
 */
export function logUnexpected(e: unknown, where: string): string {
  const ref = currentRequestId() ?? randomBytes(6).toString("hex");
  log("error").error({ ref, where, err: e instanceof Error ? { name: e.name, message: e.message, stack: e.stack } : String(e) }, `unexpected error in ${where} (ref ${ref})`);
  return ref;
}

/** Prisma unique-constraint violation, used to turn races into 409s. */
export function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: string }).code === "P2002";
}

const UNSTORABLE_TEXT = new Set(["22021", "22P05"]);

/**
 * 22P02 (invalid_text_representation) is also every malformed number, UUID or enum value: only
 * PostgreSQL's json syntax error counts here. Prisma writes json and jsonb with JSON.stringify,
 * which produces valid JSON except that it keeps an unpaired UTF-16 surrogate as "\ud800" — text
 * PostgreSQL refuses ("Unicode low surrogate must follow a high surrogate", in the DETAIL that pg
 * reports and adapter-pg drops). When a DETAIL is there, it must name the surrogate.
 */
function isUnicodeJsonError(o: Record<string, unknown>): boolean {
  if (String(o.code) !== "22P02" && String(o.originalCode) !== "22P02") return false;
  const message = String(o.originalMessage ?? o.message ?? "");
  if (!message.startsWith("invalid input syntax for type json")) return false;
  return typeof o.detail !== "string" || /surrogate/i.test(o.detail);
}

/**
 * PostgreSQL refused text it cannot store: 22021 (invalid byte sequence, e.g. U+0000 in text),
 * 22P05 (untranslatable character, e.g. \u0000 in json) or 22P02 for an unpaired surrogate in json
 * (isUnicodeJsonError). Input parsing refuses these first; this is the last line, so a gap there
 * is a 422 rather than a 500. Prisma wraps the driver's error
 * (meta.driverAdapterError.cause.originalCode); pg's own errors carry `code`.
 */
export function isUnstorableTextError(e: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [e];
  while (queue.length && seen.size < 20) {
    const x = queue.shift();
    if (typeof x !== "object" || x === null || seen.has(x)) continue;
    seen.add(x);
    const o = x as Record<string, unknown>;
    if (UNSTORABLE_TEXT.has(String(o.code)) || UNSTORABLE_TEXT.has(String(o.originalCode)) || isUnicodeJsonError(o)) return true;
    queue.push(o.cause, o.meta, o.driverAdapterError);
  }
  return false;
}

/** lib/pki reports its own errors; the ones a user caused become AppErrors (others stay unexpected). */
export function asAppError(e: unknown): unknown {
  if (isUnstorableTextError(e)) {
    return new AppError("validation_failed", "The input contains a character that cannot be stored (such as U+0000 NUL or an unpaired UTF-16 surrogate); remove it and try again.");
  }
  if (!(e instanceof PkiError)) return e;
  switch (e.code) {
    case "invalid_input":
    case "invalid_password":
    case "key_mismatch":
    case "lint_failed":
      return new AppError("validation_failed", e.message, undefined, "lints" in e ? { lints: (e as { lints: unknown }).lints } : undefined);
    case "issuer_unusable":
      return new AppError("conflict", e.message);
    default:
      return e;
  }
}

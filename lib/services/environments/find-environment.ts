import { getDb, type Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { printable } from "@/lib/control-characters";

type Reader = Pick<Tx, "environment">;

/** How many codes a message lists (a provider has a handful; a test database has hundreds). */
const LISTED = 10;

/**
 * The environment a caller names in a body field or a list filter. An unknown code is the
 * caller's input at fault, like `status=foo`: 422 naming the field, never 404 (the path was
 * found) and never an empty list (which reads as "nothing there"). Codes are not secret
 * (GET /api/v1/environments lists them), so the message lists them.
 */
export async function requireEnvironment(code: string, field = "environment", db: Reader = getDb()) {
  const env = await db.environment.findUnique({ where: { code: code.trim().toUpperCase() } });
  if (env) return env;
  const known = (await db.environment.findMany({ select: { code: true }, orderBy: { code: "asc" }, take: LISTED + 1 })).map((e) => e.code);
  const list = known.length > LISTED ? `${known.slice(0, LISTED).join(", ")}, …` : known.join(", ");
  const message = `No environment with code "${printable(code, 32)}"${known.length ? `; use one of ${list}` : ""}.`;
  throw new AppError("validation_failed", message, { [field]: message });
}

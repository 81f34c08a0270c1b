import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { initEnvironmentCa } from "@/lib/ca/authority";
import { CA_KEY_TYPES } from "@/lib/ca/keys";
import { environmentCode } from "@/lib/services/environments/schemas";

export const initCaSchema = z.object({
  envCode: environmentCode,
  keyType: z.enum(CA_KEY_TYPES, { message: `Use one of ${CA_KEY_TYPES.join(", ")}.` }).default("ecdsa-p256"),
});

/** Create an environment's root and issuing CA (separate keys per environment). */
export async function initCa(actor: Actor, input: z.input<typeof initCaSchema>) {
  authorize(actor, "ca:init");
  const data = parseInput(initCaSchema, input);
  const db = getDb();
  const env = await db.environment.findUnique({ where: { code: data.envCode } });
  if (!env) throw new AppError("not_found", `No environment with code "${data.envCode}".`);
  // RSA-4096 key generation can take seconds: allow the transaction time for it.
  return db.$transaction((tx) => initEnvironmentCa(tx, actor, env, data.keyType), { timeout: 120_000, maxWait: 10_000 });
}

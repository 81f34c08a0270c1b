import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { assertId } from "@/lib/services/scope";
import { providerKeyState } from "@/lib/services/jws-keys/key-state";
import { parseRetireAt } from "@/lib/services/jws-keys/retire-jws-key";
import { retireJwsKeySchema } from "@/lib/services/jws-keys/schemas";
import { providerJwsKeyView } from "./read-provider-jws-keys";

/** An admin sets the date a provider key stops being published ("now", or later for an overlap). */
export async function retireProviderJwsKey(actor: Actor, id: string, input: { retireAt?: unknown } | Record<string, unknown>) {
  authorize(actor, "provider-jws-key:write");
  const keyId = assertId(id, "provider JWS key");
  const { retireAt } = parseInput(retireJwsKeySchema, input ?? {});
  const now = new Date();
  const at = parseRetireAt(retireAt, now);
  return getDb().$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM provider_jws_keys WHERE id = ${keyId}::uuid FOR UPDATE`;
    if (!locked.length) throw new AppError("not_found", `No provider JWS key with id "${id}".`);
    const key = await tx.providerJwsKey.findUniqueOrThrow({ where: { id: keyId }, include: { env: { select: { code: true } } } });
    if (providerKeyState(key, now) !== "active") throw new AppError("conflict", "This provider JWS key is already retired.");
    const row = await tx.providerJwsKey.update({ where: { id: keyId }, data: { retireAt: at }, include: { env: { select: { code: true } } } });
    await recordAudit(tx, actor, { action: "provider_jws_key.retire", targetType: "provider_jws_key", targetId: keyId, details: { environment: key.env.code, kid: key.kid, retireAt: at.toISOString() } });
    return providerJwsKeyView(row, now);
  });
}

import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { assertId, orgWhere } from "@/lib/services/scope";
import { jwsKeyState } from "./key-state";
import { getJwsKey } from "./read-jws-keys";
import { retireJwsKeySchema } from "./schemas";

/** "now" or a date that is not in the past (a minute's leeway for clocks). */
export function parseRetireAt(value: string, now = new Date()): Date {
  if (value === "now") return now;
  const at = new Date(value);
  if (at.getTime() < now.getTime() - 60_000) throw new AppError("validation_failed", `The retire date ${at.toISOString()} is in the past; give a later date or "now".`, { retireAt: "In the past." });
  return at;
}

/**
 * The partner (its own key) or an officer sets the date an endorsed key stops verifying: "now",
 * or later so that its successor overlaps it. The date can be moved while the key is active.
 */
export async function retireJwsKey(actor: Actor, id: string, input: { retireAt?: unknown } | Record<string, unknown>) {
  authorize(actor, "jws-key:retire");
  const keyId = assertId(id, "JWS key");
  const { retireAt } = parseInput(retireJwsKeySchema, input ?? {});
  const now = new Date();
  const at = parseRetireAt(retireAt, now);
  await getDb().$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM partner_jws_keys WHERE id = ${keyId}::uuid FOR UPDATE`;
    const key = locked.length ? await tx.partnerJwsKey.findFirst({ where: { id: keyId, ...orgWhere(actor) }, include: { env: { select: { code: true } } } }) : null;
    if (!key) throw new AppError("not_found", `No JWS key with id "${id}".`);
    const state = jwsKeyState(key, now);
    if (state !== "active") throw new AppError("conflict", `This JWS key is ${state}; only an active key gets a retire date.`);
    await tx.partnerJwsKey.update({ where: { id: keyId }, data: { retireAt: at } });
    await recordAudit(tx, actor, {
      action: "jws_key.retire",
      orgId: key.orgId,
      targetType: "jws_key",
      targetId: keyId,
      details: { environment: key.env.code, kid: key.kid, retireAt: at.toISOString(), ...(key.retireAt ? { previous: key.retireAt.toISOString() } : {}) },
    });
  });
  return getJwsKey(actor, keyId);
}

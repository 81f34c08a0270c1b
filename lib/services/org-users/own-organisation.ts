import type { Tx } from "@/lib/db/client";
import type { Actor } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { orgScope } from "@/lib/services/scope";

/**
 * The organisation a partner admin manages: its own, always. The CLI (trusted) names one by code.
 * A partner admin naming another organisation gets what an unknown code gets.
 */
export async function managedOrganisation(tx: Pick<Tx, "organisation">, actor: Actor, orgCode?: string) {
  const ownId = orgScope(actor);
  if (actor.type === "user" && !ownId) throw new AppError("forbidden", "Only a partner organisation's admin manages its users.");
  const org = ownId ? await tx.organisation.findUnique({ where: { id: ownId } }) : orgCode ? await tx.organisation.findUnique({ where: { code: orgCode } }) : null;
  if (!org || (orgCode && org.code !== orgCode)) {
    throw new AppError("not_found", orgCode ? `No organisation with code "${orgCode}".` : "Name the organisation (--org CODE).", { orgCode: "Unknown organisation." });
  }
  return org;
}

/**
 * A user of the managed organisation, locked FOR UPDATE. Users of other organisations and provider
 * staff are "not found", exactly like a missing id: a partner admin learns nothing about them.
 */
export async function lockOrgUser(tx: Tx, orgId: string, ref: { id?: string; email?: string }) {
  const where = ref.id ? { id: ref.id } : { email: ref.email! };
  const missing = new AppError("not_found", ref.id ? `No user with id "${ref.id}".` : `No user with email "${ref.email}".`);
  if (ref.id && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref.id)) throw missing;
  const user = await tx.user.findUnique({ where });
  if (!user || user.orgId !== orgId || user.role !== "partner") throw missing;
  await tx.$queryRaw`SELECT id FROM users WHERE id = ${user.id}::uuid FOR UPDATE`;
  return user;
}

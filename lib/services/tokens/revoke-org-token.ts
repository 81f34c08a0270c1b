import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { managedOrganisation } from "@/lib/services/org-users/own-organisation";

const schema = z.object({ id: z.string(), orgCode: z.string().optional() });

/** A partner admin revokes one of its organisation's API tokens; another organisation's is "not found". */
export async function revokeOrgToken(actor: Actor, input: z.input<typeof schema>) {
  authorize(actor, "org-token:revoke");
  const data = parseInput(schema, input);
  return getDb().$transaction(async (tx) => {
    const org = await managedOrganisation(tx, actor, data.orgCode);
    const missing = new AppError("not_found", `No API token with id "${data.id.slice(0, 64)}".`);
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(data.id)) throw missing;
    const token = await tx.apiToken.findUnique({ where: { id: data.id }, include: { user: { select: { email: true, orgId: true, role: true } } } });
    if (!token || token.user.orgId !== org.id || token.user.role !== "partner") throw missing;
    if (token.revokedAt) throw new AppError("conflict", `API token ${token.prefix}… was already revoked.`);
    const { count } = await tx.apiToken.updateMany({ where: { id: token.id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count !== 1) throw new AppError("conflict", `API token ${token.prefix}… was already revoked.`);
    await recordAudit(tx, actor, { action: "token.revoke", orgId: org.id, targetType: "api_token", targetId: token.id, details: { userEmail: token.user.email, prefix: token.prefix } });
    return { id: token.id, prefix: token.prefix };
  });
}

import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { endUserSessions } from "@/lib/auth/sessions";
import { parseInput } from "@/lib/validation";
import { lockOrganisation, orgRefSchema } from "./org-ref";

const schema = z.object({ organisation: orgRefSchema });

/**
 * Disable an organisation (admin or CLI): every session of its users ends in the same transaction,
 * and its users' API tokens are refused from the next call (sessions.ts and authenticate-token.ts
 * read the organisation on every request). Its certificates stay in the inventory; officers can still
 * revoke them. Nothing is deleted; enabling it again restores its users (their sessions stay ended).
 */
export async function disableOrganisation(actor: Actor, input: z.input<typeof schema>) {
  authorize(actor, "organisation:disable");
  const data = parseInput(schema, input);
  return getDb().$transaction(async (tx) => {
    const org = await lockOrganisation(tx, data.organisation);
    if (org.disabled) return { id: org.id, code: org.code, disabled: true, sessionsEnded: 0 };
    await tx.organisation.update({ where: { id: org.id }, data: { disabled: true } });
    let sessionsEnded = 0;
    for (const u of await tx.user.findMany({ where: { orgId: org.id }, select: { id: true } })) sessionsEnded += await endUserSessions(tx, u.id, "org_disabled");
    await recordAudit(tx, actor, {
      action: "organisation.disable",
      orgId: org.id,
      targetType: "organisation",
      targetId: org.id,
      details: { code: org.code, before: { disabled: false }, after: { disabled: true }, sessionsEnded },
    });
    return { id: org.id, code: org.code, disabled: true, sessionsEnded };
  });
}

export async function enableOrganisation(actor: Actor, input: z.input<typeof schema>) {
  authorize(actor, "organisation:disable");
  const data = parseInput(schema, input);
  return getDb().$transaction(async (tx) => {
    const org = await lockOrganisation(tx, data.organisation);
    if (!org.disabled) return { id: org.id, code: org.code, disabled: false, sessionsEnded: 0 };
    await tx.organisation.update({ where: { id: org.id }, data: { disabled: false } });
    await recordAudit(tx, actor, {
      action: "organisation.enable",
      orgId: org.id,
      targetType: "organisation",
      targetId: org.id,
      details: { code: org.code, before: { disabled: true }, after: { disabled: false } },
    });
    return { id: org.id, code: org.code, disabled: false, sessionsEnded: 0 };
  });
}

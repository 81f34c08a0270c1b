import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { requireEnvironment } from "@/lib/services/environments/find-environment";
import { actorUserId, assertId, orgScope } from "@/lib/services/scope";
import { emitEvent } from "@/lib/notifications/emit-event";
import { checkEntry } from "./check-entry";
import { MAX_ENTRIES_PER_KIND, type RegisterEndpointInput, registerEndpointSchema } from "./schemas";
import { getEndpoint } from "./read-endpoints";

/**
 * A partner registers a callback base URL or an ingress IP range for one environment. The value is
 * decoded, checked and stored re-encoded; a refused one stores nothing. It waits for officers (new).
 */
export async function registerEndpoint(actor: Actor, input: RegisterEndpointInput | Record<string, unknown>) {
  authorize(actor, "endpoint:submit");
  const orgId = orgScope(actor);
  if (!orgId) throw new AppError("forbidden", "Only a partner organisation's users register endpoints.");
  const data = parseInput(registerEndpointSchema, input);
  const env = await requireEnvironment(data.environment);
  const id = await getDb().$transaction(async (tx) => {
    // One registration at a time per organisation and environment: the duplicate check holds.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`keyport:endpoints:${orgId}:${env.id}`}))`;
    const live = await tx.partnerEndpoint.findMany({ where: { orgId, envId: env.id, kind: data.kind, removedAt: null, status: { in: ["new", "confirmed"] } }, select: { value: true } });
    const checked = checkEntry(data.kind, data.value, env, live);
    if (live.length >= MAX_ENTRIES_PER_KIND) throw new AppError("conflict", `At most ${MAX_ENTRIES_PER_KIND} ${data.kind === "callback_url" ? "callback URLs" : "ingress ranges"} per environment; remove one first.`);
    const row = await tx.partnerEndpoint.create({ data: { orgId, envId: env.id, kind: data.kind, value: checked.value, note: data.note, findings: checked.findings, submittedById: actorUserId(actor) } });
    await recordAudit(tx, actor, { action: "endpoint.register", orgId, targetType: "endpoint", targetId: row.id, details: { environment: env.code, kind: data.kind, value: checked.value, warnings: checked.findings.length } });
    await emitEvent(tx, "endpoint.registered", { id: row.id });
    return row.id;
  });
  return getEndpoint(actor, id);
}

/** A partner withdraws one of its entries (new or confirmed); it leaves every export at once. */
export async function removeEndpoint(actor: Actor, id: string) {
  authorize(actor, "endpoint:submit");
  const endpointId = assertId(id, "endpoint");
  const orgId = orgScope(actor);
  await getDb().$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM partner_endpoints WHERE id = ${endpointId}::uuid FOR UPDATE`;
    const row = locked.length ? await tx.partnerEndpoint.findFirst({ where: { id: endpointId, ...(orgId ? { orgId } : {}) } }) : null;
    if (!row) throw new AppError("not_found", `No endpoint with id "${id}".`);
    if (row.removedAt) throw new AppError("conflict", "This entry is already removed; nothing was changed.");
    await tx.partnerEndpoint.update({ where: { id: endpointId }, data: { removedAt: new Date() } });
    await recordAudit(tx, actor, { action: "endpoint.remove", orgId: row.orgId, targetType: "endpoint", targetId: endpointId, details: { kind: row.kind, value: row.value } });
  });
  return getEndpoint(actor, endpointId);
}

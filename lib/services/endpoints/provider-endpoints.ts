import { z } from "zod";
import type { Prisma } from "@/lib/generated/prisma/client";
import { defineKeyset, pageParams } from "@/lib/db/keyset";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { requireEnvironment } from "@/lib/services/environments/find-environment";
import { actorUserId, assertId } from "@/lib/services/scope";
import { checkEntry } from "./check-entry";
import { MAX_ENTRIES_PER_KIND, type PublishProviderEndpointInput, publishProviderEndpointSchema } from "./schemas";

const view = (r: { id: string; kind: string; value: string; note: string | null; createdAt: Date }) => ({ id: r.id, kind: r.kind as "egress_cidr" | "ingress_url", value: r.value, note: r.note, publishedAt: r.createdAt });

const providerEndpointsPaging = z.object(pageParams({ defaultLimit: 100, maxLimit: 500 }));
// Oldest first, as published (provider_endpoints_env_id_created_at_id_idx); the export reads the same order.
export const providerEndpointsKeyset = defineKeyset<Prisma.ProviderEndpointWhereInput, Prisma.ProviderEndpointOrderByWithRelationInput>("provider-endpoints", [{ field: "createdAt", type: "date" }], "asc");
/** The columns a published entry shows. */
const providerEndpointSelect = { id: true, kind: true, value: true, note: true, createdAt: true } as const;

/**
 * One page of the provider's published egress ranges and ingress base URLs of an environment
 * (every signed-in role may read them), oldest first. The default page holds them all
 * (MAX_ENTRIES_PER_KIND of each kind).
 */
export async function listProviderEndpointsPage(actor: Actor, envCode: string, paging: { limit?: unknown; cursor?: string; before?: string } = {}) {
  authorize(actor, "endpoint:read");
  const page = parseInput(providerEndpointsPaging, { limit: paging.limit, cursor: paging.cursor, before: paging.before });
  const env = await requireEnvironment(envCode);
  const base: Prisma.ProviderEndpointWhereInput = { envId: env.id, removedAt: null };
  const found = await providerEndpointsKeyset.page(page, ({ where, orderBy, take }) => getDb().providerEndpoint.findMany({ where: { AND: [base, where] }, select: providerEndpointSelect, orderBy, take }));
  return { endpoints: found.rows.map(view), nextCursor: found.nextCursor, prevCursor: found.prevCursor };
}

/** The first page (see listProviderEndpointsPage). */
export async function listProviderEndpoints(actor: Actor, envCode: string) {
  return (await listProviderEndpointsPage(actor, envCode)).endpoints;
}

/** An admin publishes one of the provider's endpoints; the same rules as partners' entries, no officer step (the provider vouches for itself). */
export async function publishProviderEndpoint(actor: Actor, input: PublishProviderEndpointInput | Record<string, unknown>) {
  authorize(actor, "provider-endpoint:write");
  const data = parseInput(publishProviderEndpointSchema, input);
  const env = await requireEnvironment(data.environment);
  return getDb().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`keyport:provider-endpoints:${env.id}`}))`;
    const live = await tx.providerEndpoint.findMany({ where: { envId: env.id, kind: data.kind, removedAt: null }, select: { value: true } });
    const checked = checkEntry(data.kind, data.value, env, live);
    if (live.length >= MAX_ENTRIES_PER_KIND) throw new AppError("conflict", `At most ${MAX_ENTRIES_PER_KIND} entries of this kind per environment; remove one first.`);
    const row = await tx.providerEndpoint.create({ data: { envId: env.id, kind: data.kind, value: checked.value, note: data.note, createdById: actorUserId(actor) } });
    await recordAudit(tx, actor, { action: "provider_endpoint.publish", targetType: "provider_endpoint", targetId: row.id, details: { environment: env.code, kind: data.kind, value: checked.value } });
    return { ...view(row), findings: checked.findings };
  });
}

export async function removeProviderEndpoint(actor: Actor, id: string) {
  authorize(actor, "provider-endpoint:write");
  const endpointId = assertId(id, "provider endpoint");
  return getDb().$transaction(async (tx) => {
    const row = await tx.providerEndpoint.findUnique({ where: { id: endpointId } });
    if (!row || row.removedAt) throw new AppError("not_found", `No published provider endpoint with id "${id}".`);
    const updated = await tx.providerEndpoint.update({ where: { id: endpointId }, data: { removedAt: new Date() } });
    await recordAudit(tx, actor, { action: "provider_endpoint.remove", targetType: "provider_endpoint", targetId: endpointId, details: { kind: row.kind, value: row.value } });
    return view(updated);
  });
}

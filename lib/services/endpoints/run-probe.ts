import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { defineKeyset, pageParams } from "@/lib/db/keyset";
import type { Prisma } from "@/lib/generated/prisma/client";
import { parseInput } from "@/lib/validation";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { probeSecureContext } from "@/lib/ca/probe-credential";
import { type ProbeTimeouts, probeUrl } from "@/lib/connectivity/probe";
import { chainToPem } from "@/lib/pki/cert/download-formats";
import { requireEnvironment } from "@/lib/services/environments/find-environment";
import { actorUserId, assertId, orgScope, orgWhere } from "@/lib/services/scope";
import { addressProblemFor } from "./check-entry";
import { probeView } from "./read-endpoints";

/** A second probe of the same URL within this time is refused (a probe is a real connection to the partner). */
export const PROBE_COOLDOWN_MS = 5_000;

/**
 * Probe one confirmed callback URL now (inline, bounded: at most ~20 s, PROBE_TIMEOUTS per phase),
 * with the environment's probe client certificate (under the provider client CA) and the
 * partner's endorsed server chain as the only trust. The classified result and its evidence are
 * stored with an audit row in one transaction.
 */
export async function probeEndpoint(actor: Actor, id: string, opts: { timeouts?: Partial<ProbeTimeouts> } = {}) {
  authorize(actor, "probe:run");
  const endpointId = assertId(id, "endpoint");
  const db = getDb();
  const ep = await db.partnerEndpoint.findFirst({ where: { id: endpointId, ...orgWhere(actor) }, include: { env: true, org: { select: { code: true } } } });
  if (!ep) throw new AppError("not_found", `No endpoint with id "${id}".`);
  if (ep.kind !== "callback_url") throw new AppError("conflict", "Only callback URLs are probed; this entry is an IP range.");
  if (ep.removedAt) throw new AppError("conflict", "This callback URL was removed; nothing was probed.");
  if (ep.status !== "confirmed") throw new AppError("conflict", `This callback URL is ${ep.status}; officers confirm it before it is probed.`);
  const chain = await db.partnerServerChain.findFirst({ where: { orgId: ep.orgId, envId: ep.envId, status: "endorsed" }, orderBy: { endorsedAt: "desc" }, select: { chainDer: true } });
  if (!chain) throw new AppError("conflict", `${ep.org.code} has no endorsed server CA chain in ${ep.env.code}: upload it and have officers endorse it; the probe trusts only that chain.`);
  const last = await db.readinessProbe.findFirst({ where: { endpointId }, orderBy: { startedAt: "desc" }, select: { startedAt: true } });
  if (last && Date.now() - last.startedAt.getTime() < PROBE_COOLDOWN_MS) throw new AppError("rate_limited", `This URL was probed ${Math.round((Date.now() - last.startedAt.getTime()) / 1000)} s ago; wait a few seconds.`);
  const { context, clientSerial } = await probeSecureContext(ep.env, actor, chainToPem(chain.chainDer.map((d) => new Uint8Array(d))));
  const r = await probeUrl({ url: ep.value, context, addressProblem: addressProblemFor(ep.env), timeouts: opts.timeouts });
  const row = await db.$transaction(async (tx) => {
    const p = await tx.readinessProbe.create({
      data: {
        endpointId,
        orgId: ep.orgId,
        envId: ep.envId,
        url: ep.value,
        outcome: r.outcome,
        httpStatus: r.httpStatus,
        message: r.message,
        error: r.error,
        remoteAddress: r.remoteAddress,
        tlsProtocol: r.tlsProtocol,
        timings: r.timings,
        peer: r.peer ?? undefined,
        clientSerial,
        requestedById: actorUserId(actor),
        startedAt: r.startedAt,
      },
    });
    await recordAudit(tx, actor, {
      action: "endpoint.probe",
      orgId: ep.orgId,
      targetType: "endpoint",
      targetId: endpointId,
      details: { environment: ep.env.code, url: ep.value, outcome: r.outcome, ...(r.httpStatus ? { httpStatus: r.httpStatus } : {}), totalMs: r.timings.totalMs, probe: p.id },
    });
    return p;
  });
  return probeView(row);
}

/**
 * Probe every confirmed callback URL of one organisation in one environment (the CLI, and the
 * page's "probe all"). Partners: their own organisation only.
 */
export async function probeOrganisation(actor: Actor, envCode: string, orgCode?: string, opts: { timeouts?: Partial<ProbeTimeouts> } = {}) {
  authorize(actor, "probe:run");
  const env = await requireEnvironment(envCode);
  const scoped = orgScope(actor);
  const org = scoped ? await getDb().organisation.findUniqueOrThrow({ where: { id: scoped }, select: { id: true, code: true } }) : orgCode ? await getDb().organisation.findUnique({ where: { code: orgCode }, select: { id: true, code: true } }) : null;
  if (!org) throw new AppError("validation_failed", orgCode ? `No organisation with code "${orgCode.slice(0, 32)}".` : "Name the organisation (--org).", { org: "Unknown organisation." });
  const eps = await getDb().partnerEndpoint.findMany({ where: { orgId: org.id, envId: env.id, kind: "callback_url", status: "confirmed", removedAt: null }, orderBy: { createdAt: "asc" }, select: { id: true } });
  if (!eps.length) throw new AppError("conflict", `${org.code} has no confirmed callback URL in ${env.code}.`);
  const results = [];
  for (const e of eps) results.push(await probeEndpoint(actor, e.id, opts));
  return { environment: env.code, organisation: org.code, results };
}

const probesPaging = z.object(pageParams({ defaultLimit: 50, maxLimit: 500 }));
// Newest first (readiness_probes_env_id_started_at_id_idx).
const probesKeyset = defineKeyset<Prisma.ReadinessProbeWhereInput, Prisma.ReadinessProbeOrderByWithRelationInput>("probes", [{ field: "startedAt", type: "date" }], "desc");

/** One page of probe results of an environment (per callback URL, newest first); partners: their own. */
export async function listProbesPage(actor: Actor, envCode: string, filter: { organisation?: string; endpoint?: string; limit?: unknown; cursor?: string; before?: string } = {}) {
  authorize(actor, "probe:read");
  const paging = parseInput(probesPaging, { limit: filter.limit, cursor: filter.cursor, before: filter.before });
  const env = await requireEnvironment(envCode);
  const base: Prisma.ReadinessProbeWhereInput = {
    envId: env.id,
    ...orgWhere(actor),
    ...(filter.organisation ? { org: { code: filter.organisation } } : {}),
    ...(filter.endpoint ? { endpointId: assertId(filter.endpoint, "endpoint") } : {}),
  };
  const page = await probesKeyset.page(paging, ({ where, orderBy, take }) => getDb().readinessProbe.findMany({ where: { AND: [base, where] }, orderBy, take }));
  return { probes: page.rows.map(probeView), nextCursor: page.nextCursor, prevCursor: page.prevCursor };
}

/** The latest probe results (the first page of listProbesPage). */
export async function listProbes(actor: Actor, envCode: string, filter: { organisation?: string; endpoint?: string } = {}) {
  return (await listProbesPage(actor, envCode, filter)).probes;
}

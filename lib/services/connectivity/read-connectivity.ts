import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { parseInput } from "@/lib/validation";
import { assertId, orgScope } from "@/lib/services/scope";

export const CONNECTIVITY_OUTCOMES = {
  ok: "Connected: certificate valid, source IP allowlisted",
  revoked: "Refused: the certificate is revoked",
  expired: "Refused: the certificate is expired or not yet valid",
  ip_not_allowed: "Refused: the source IP is not on the allowlist",
  unknown_ca: "Refused: not issued by this environment's CA",
  no_certificate: "Refused: no client certificate",
} as const;

const schema = z.object({
  environment: z.string().trim().max(32).optional(),
  certificate: z.string().trim().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(20),
});

/**
 * The latest connectivity tests (successes and refusals) of the caller's certificates — all
 * organisations for officers — newest first. Anonymous probes (no certificate) are not stored.
 */
export async function listConnectivityTests(actor: Actor, input: z.input<typeof schema> = {}) {
  authorize(actor, "connectivity:read");
  const q = parseInput(schema, input);
  const orgId = orgScope(actor);
  const rows = await getDb().connectivityTest.findMany({
    where: {
      ...(q.environment ? { envCode: q.environment.toUpperCase() } : {}),
      ...(q.certificate ? { certificateId: assertId(q.certificate, "certificate") } : {}),
      certificate: orgId ? { orgId } : {},
    },
    orderBy: { at: "desc" },
    take: q.limit,
    select: { id: true, at: true, envCode: true, sourceIp: true, outcome: true, ok: true, certificate: { select: { id: true, serialHex: true, subject: true, org: { select: { code: true } } } } },
  });
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    environment: r.envCode,
    sourceIp: r.sourceIp,
    outcome: r.outcome,
    ok: r.ok,
    message: CONNECTIVITY_OUTCOMES[r.outcome as keyof typeof CONNECTIVITY_OUTCOMES] ?? r.outcome,
    certificate: r.certificate ? { id: r.certificate.id, serial: r.certificate.serialHex, subject: r.certificate.subject, organisation: r.certificate.org?.code ?? null } : null,
  }));
}

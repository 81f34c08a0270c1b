import type { Prisma } from "@/lib/generated/prisma/client";
import { EXPORT_BATCH_ROWS, defineKeyset, eachPage } from "@/lib/db/keyset";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { type RegistryExport, registryCsv, registryJson, registryNginx } from "@/lib/gateway/endpoint-export";
import { requireEnvironment } from "@/lib/services/environments/find-environment";
import { providerEndpointsKeyset } from "./provider-endpoints";
import { ENDPOINT_EXPORT_FORMATS, type EndpointExportFormat } from "./schemas";

// Partners' confirmed entries in the order they were confirmed (partner_endpoints_env_id_status_decided_at_created_at_id_idx),
// read in keyset batches; a confirmed entry without a decision time (none is written so) comes last, by creation,
// as ORDER BY decided_at (NULLS LAST), created_at did.
const decidedKeyset = defineKeyset<Prisma.PartnerEndpointWhereInput, Prisma.PartnerEndpointOrderByWithRelationInput>(
  "endpoint-export-decided",
  [
    { field: "decidedAt", type: "date" },
    { field: "createdAt", type: "date" },
  ],
  "asc",
);
const undecidedKeyset = defineKeyset<Prisma.PartnerEndpointWhereInput, Prisma.PartnerEndpointOrderByWithRelationInput>("endpoint-export-undecided", [{ field: "createdAt", type: "date" }], "asc");
const partnerSelect = { id: true, kind: true, value: true, decidedAt: true, createdAt: true, org: { select: { code: true } } } as const;

/**
 * The confirmed registry of an environment: the provider's published entries and every partner's confirmed ones.
 * The rows are read EXPORT_BATCH_ROWS at a time in keyset order (no query reads a whole table); the document is
 * whole, as gateways consume it.
 */
export async function registryOf(actor: Actor, envCode: string): Promise<RegistryExport> {
  authorize(actor, "endpoint:export");
  const env = await requireEnvironment(envCode);
  const db = getDb();
  const provider: { kind: string; value: string }[] = [];
  const providerWhere: Prisma.ProviderEndpointWhereInput = { envId: env.id, removedAt: null };
  for await (const batch of eachPage(providerEndpointsKeyset, EXPORT_BATCH_ROWS, ({ where, orderBy, take }) =>
    db.providerEndpoint.findMany({ where: { AND: [providerWhere, where] }, select: { id: true, kind: true, value: true, createdAt: true }, orderBy, take }),
  )) {
    for (const e of batch) provider.push({ kind: e.kind, value: e.value });
  }
  const byOrg = new Map<string, RegistryExport["partners"][number]>();
  const confirmed: Prisma.PartnerEndpointWhereInput = { envId: env.id, status: "confirmed", removedAt: null };
  for (const [keyset, decided] of [
    [decidedKeyset, { decidedAt: { not: null } }],
    [undecidedKeyset, { decidedAt: null }],
  ] as const) {
    for await (const batch of eachPage(keyset, EXPORT_BATCH_ROWS, ({ where, orderBy, take }) =>
      db.partnerEndpoint.findMany({ where: { AND: [confirmed, decided, where] }, select: partnerSelect, orderBy, take }),
    )) {
      for (const p of batch) {
        const entry = byOrg.get(p.org.code) ?? { organisation: p.org.code, callbacks: [], ingressCidrs: [] };
        if (p.kind === "callback_url") {
          const u = new URL(p.value);
          entry.callbacks.push({ url: p.value, host: u.hostname, port: u.port ? Number(u.port) : 443, path: u.pathname, confirmedAt: p.decidedAt?.toISOString() ?? null });
        } else entry.ingressCidrs.push(p.value);
        byOrg.set(p.org.code, entry);
      }
    }
  }
  return {
    environment: env.code,
    generatedAt: new Date().toISOString(),
    provider: { egressCidrs: provider.filter((e) => e.kind === "egress_cidr").map((e) => e.value), ingressUrls: provider.filter((e) => e.kind === "ingress_url").map((e) => e.value) },
    partners: [...byOrg.values()].sort((a, b) => a.organisation.localeCompare(b.organisation)),
  };
}

const FILES: Record<EndpointExportFormat, { contentType: string; ext: string; render: (r: RegistryExport) => string }> = {
  json: { contentType: "application/json", ext: "json", render: registryJson },
  csv: { contentType: "text/csv; charset=utf-8", ext: "csv", render: registryCsv },
  nginx: { contentType: "text/plain; charset=utf-8", ext: "conf", render: registryNginx },
};

/** The registry as a file (json, csv, nginx); each download is audited. */
export async function exportEndpoints(actor: Actor, envCode: string, format: string) {
  authorize(actor, "endpoint:export");
  if (!(ENDPOINT_EXPORT_FORMATS as readonly string[]).includes(format)) throw new AppError("bad_request", `Unknown format "${format.slice(0, 40)}"; use one of ${ENDPOINT_EXPORT_FORMATS.join(", ")}.`);
  const env = await requireEnvironment(envCode);
  const registry = await registryOf(actor, env.code);
  const f = FILES[format as EndpointExportFormat];
  await getDb().$transaction((tx) => recordAudit(tx, actor, { action: "endpoint.export", targetType: "environment", targetId: env.id, details: { environment: env.code, format, partners: registry.partners.length } }));
  return { body: f.render(registry), contentType: f.contentType, filename: `${registry.environment}-endpoints.${f.ext}` };
}

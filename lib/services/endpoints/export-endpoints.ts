import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { type RegistryExport, registryCsv, registryJson, registryNginx } from "@/lib/gateway/endpoint-export";
import { requireEnvironment } from "@/lib/services/environments/find-environment";
import { ENDPOINT_EXPORT_FORMATS, type EndpointExportFormat } from "./schemas";

/** The confirmed registry of an environment: the provider's published entries and every partner's confirmed ones. */
export async function registryOf(actor: Actor, envCode: string): Promise<RegistryExport> {
  authorize(actor, "endpoint:export");
  const env = await requireEnvironment(envCode);
  const db = getDb();
  const [provider, partners] = await Promise.all([
    db.providerEndpoint.findMany({ where: { envId: env.id, removedAt: null }, orderBy: { createdAt: "asc" } }),
    db.partnerEndpoint.findMany({ where: { envId: env.id, status: "confirmed", removedAt: null }, include: { org: { select: { code: true } } }, orderBy: [{ decidedAt: "asc" }, { createdAt: "asc" }] }),
  ]);
  const byOrg = new Map<string, RegistryExport["partners"][number]>();
  for (const p of partners) {
    const entry = byOrg.get(p.org.code) ?? { organisation: p.org.code, callbacks: [], ingressCidrs: [] };
    if (p.kind === "callback_url") {
      const u = new URL(p.value);
      entry.callbacks.push({ url: p.value, host: u.hostname, port: u.port ? Number(u.port) : 443, path: u.pathname, confirmedAt: p.decidedAt?.toISOString() ?? null });
    } else entry.ingressCidrs.push(p.value);
    byOrg.set(p.org.code, entry);
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

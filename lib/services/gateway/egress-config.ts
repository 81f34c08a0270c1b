import fs from "node:fs";
import path from "node:path";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { assertAuditWritable, recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { type EgressPartner, egressConf, egressPartnerProblem, parseEndpoint } from "@/lib/gateway/egress";
import { nginxPathProblem } from "@/lib/gateway/nginx";
import { pemEncode } from "@/lib/pki/pem";
import { requireEnvironment } from "@/lib/services/environments/find-environment";

/** Write a file atomically (temp + rename) so nginx never reads half of it; returns whether it changed. */
function writeAtomic(file: string, content: string): boolean {
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === content) return false;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o644 });
  fs.renameSync(tmp, file);
  return true;
}

/**
 * What the egress gateway of an environment needs: every endorsed partner server chain with its
 * endpoint, the provider's newest valid client certificate (issued by the provider client CA), and
 * per partner the certificate that partner's CA signed for the provider (issue 17, item 3), which
 * takes the place of the Keyport-issued one on that partner's upstream.
 */
export async function egressMaterial(actor: Actor, envCode: string) {
  authorize(actor, "gateway:egress");
  const db = getDb();
  const env = await requireEnvironment(envCode.toUpperCase(), "env");
  const now = new Date();
  const cert = await db.certificate.findFirst({
    where: { envId: env.id, revokedAt: null, notAfter: { gt: now }, ca: { kind: "provider_client", active: true } },
    orderBy: { notAfter: "desc" },
    include: { ca: { select: { certDer: true } } },
  });
  const partnerSigned = await db.providerCsr.findMany({ where: { envId: env.id, status: "active", certNotAfter: { gt: now } }, select: { orgId: true, certDer: true, serverChainId: true, certSerialHex: true } });
  if (!cert && !partnerSigned.length) {
    throw new AppError("conflict", `Environment ${env.code} has no valid provider client certificate: issue one first (npm run keyport -- provider certificate issue --env ${env.code} --csr FILE), or have a partner sign a provider CSR.`);
  }
  const chains = await db.partnerServerChain.findMany({ where: { envId: env.id, status: "endorsed" }, include: { org: { select: { code: true } } }, orderBy: { endorsedAt: "asc" } });
  return { env, cert, chains, partnerSigned: new Map(partnerSigned.map((p) => [p.orgId, p])) };
}

/** Where `keyport gateway egress` keeps its options, so `gateway sync --egress DIR` can rewrite the same configuration. */
export const EGRESS_SETTINGS_FILE = "egress-settings.json";
export type EgressSettings = { envCode: string; listen: string; keyFile: string; partnerKeyDir: string };

/** The options `gateway egress` last wrote into `outDir` (for `gateway sync --egress DIR`). */
export function readEgressSettings(outDir: string): EgressSettings {
  const file = path.join(path.resolve(outDir), EGRESS_SETTINGS_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    throw new AppError("not_found", `${path.resolve(outDir)} holds no egress configuration (${EGRESS_SETTINGS_FILE}); create it first with: keyport gateway egress --env ENV --out ${outDir}`);
  }
  const o = parsed as Partial<EgressSettings>;
  if (![o.envCode, o.listen, o.keyFile, o.partnerKeyDir].every((v) => typeof v === "string" && v.length > 0)) throw new AppError("validation_failed", `${file} is damaged; run keyport gateway egress again.`);
  return o as EgressSettings;
}

/**
 * `keyport gateway egress`: write egress.conf, one trust file per partner (its endorsed chain only)
 * and the provider's client certificate into outDir. The client key stays where the gateway made it
 * (keyFile). A partner whose CA signed a provider CSR gets its own certificate file
 * (partners/<org>-client.crt) and key (<partnerKeyDir>/<org>-client.key). Partners without a usable
 * endpoint, or without a certificate to present, are skipped and named in `skipped`.
 */
export async function writeEgressConfig(actor: Actor, o: { envCode: string; outDir: string; listen: string; keyFile: string; partnerKeyDir?: string; quietWhenUnchanged?: boolean }) {
  const m = await egressMaterial(actor, o.envCode);
  await assertAuditWritable(getDb());
  const dir = path.resolve(o.outDir);
  const partnerKeyDir = path.resolve(o.partnerKeyDir ?? path.join(dir, "partners"));
  for (const p of [dir, path.resolve(o.keyFile), partnerKeyDir]) {
    const problem = nginxPathProblem(p);
    if (problem) throw new AppError("validation_failed", `Cannot use ${problem}.`);
  }
  fs.mkdirSync(path.join(dir, "partners"), { recursive: true });
  const certFile = path.join(dir, "provider-client.crt");
  const changed: string[] = [];
  if (m.cert && writeAtomic(certFile, pemEncode("CERTIFICATE", new Uint8Array(m.cert.der)) + pemEncode("CERTIFICATE", new Uint8Array(m.cert.ca.certDer)))) changed.push("provider-client.crt");
  const partners: EgressPartner[] = [];
  const skipped: { organisation: string; why: string }[] = [];
  const partnerCertificates: Record<string, string> = {};
  for (const c of m.chains) {
    const ep = c.endpointUrl ? parseEndpoint(c.endpointUrl) : null;
    if (!ep) {
      skipped.push({ organisation: c.org.code, why: "no https endpoint URL was given with its chain" });
      continue;
    }
    const problem = egressPartnerProblem({ organisation: c.org.code, ...ep });
    if (problem) {
      skipped.push({ organisation: c.org.code, why: problem });
      continue;
    }
    const own = m.partnerSigned.get(c.orgId);
    if (!own && !m.cert) {
      skipped.push({ organisation: c.org.code, why: "no provider client certificate to present (none from the provider client CA, none signed by this partner)" });
      continue;
    }
    const trustFile = path.join(dir, "partners", `${c.org.code}-trust.pem`);
    if (writeAtomic(trustFile, c.chainDer.map((d) => pemEncode("CERTIFICATE", new Uint8Array(d))).join(""))) changed.push(`partners/${c.org.code}-trust.pem`);
    if (own?.certDer) {
      // The partner-signed certificate, then the partner's intermediates (the root stays with the partner).
      const ownCertFile = path.join(dir, "partners", `${c.org.code}-client.crt`);
      const intermediates = own.serverChainId === c.id ? c.chainDer.slice(0, -1) : [];
      if (writeAtomic(ownCertFile, [own.certDer, ...intermediates].map((d) => pemEncode("CERTIFICATE", new Uint8Array(d))).join(""))) changed.push(`partners/${c.org.code}-client.crt`);
      partners.push({ organisation: c.org.code, ...ep, trustFile, certFile: ownCertFile, keyFile: path.join(partnerKeyDir, `${c.org.code}-client.key`) });
      partnerCertificates[c.org.code] = own.certSerialHex ?? "";
    } else partners.push({ organisation: c.org.code, ...ep, trustFile, certFile, keyFile: path.resolve(o.keyFile) });
  }
  const conf = egressConf({ envCode: m.env.code, listen: o.listen, partners, generatedAt: "by keyport gateway egress" });
  if (writeAtomic(path.join(dir, "egress.conf"), conf)) changed.push("egress.conf");
  const settings: EgressSettings = { envCode: m.env.code, listen: o.listen, keyFile: path.resolve(o.keyFile), partnerKeyDir };
  writeAtomic(path.join(dir, EGRESS_SETTINGS_FILE), `${JSON.stringify(settings, null, 2)}\n`);
  if (changed.length || !o.quietWhenUnchanged) {
    await getDb().$transaction((tx) =>
      recordAudit(tx, actor, {
        action: "gateway.egress",
        targetType: "environment",
        targetId: m.env.id,
        details: { environment: m.env.code, partners: partners.map((p) => p.organisation), skipped, certificate: m.cert?.serialHex ?? null, partnerCertificates, changed },
      }),
    );
  }
  return { dir, partners: partners.map((p) => p.organisation), skipped, changed, certificate: m.cert ? { serial: m.cert.serialHex, notAfter: m.cert.notAfter } : null, partnerCertificates };
}

/** `keyport gateway sync --egress DIR`: rewrite the egress configuration with the options `gateway egress` stored there. */
export async function refreshEgressConfig(actor: Actor, o: { envCode: string; outDir: string }) {
  const s = readEgressSettings(o.outDir);
  if (s.envCode !== o.envCode.toUpperCase()) throw new AppError("validation_failed", `${path.resolve(o.outDir)} holds the egress configuration of ${s.envCode}, not ${o.envCode.toUpperCase()}.`);
  return writeEgressConfig(actor, { envCode: s.envCode, outDir: o.outDir, listen: s.listen, keyFile: s.keyFile, partnerKeyDir: s.partnerKeyDir, quietWhenUnchanged: true });
}

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
 * endpoint, and the provider's newest valid client certificate (issued by the provider client CA).
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
  if (!cert) throw new AppError("conflict", `Environment ${env.code} has no valid provider client certificate: issue one first (npm run keyport -- provider certificate issue --env ${env.code} --csr FILE).`);
  const chains = await db.partnerServerChain.findMany({ where: { envId: env.id, status: "endorsed" }, include: { org: { select: { code: true } } }, orderBy: { endorsedAt: "asc" } });
  return { env, cert, chains };
}

/**
 * `keyport gateway egress`: write egress.conf, one trust file per partner (its endorsed chain only)
 * and the provider's client certificate into outDir. The client key stays where the gateway made it
 * (keyFile). Partners without a usable endpoint are skipped and named in `skipped`.
 */
export async function writeEgressConfig(actor: Actor, o: { envCode: string; outDir: string; listen: string; keyFile: string }) {
  const m = await egressMaterial(actor, o.envCode);
  await assertAuditWritable(getDb());
  const dir = path.resolve(o.outDir);
  for (const p of [dir, path.resolve(o.keyFile)]) {
    const problem = nginxPathProblem(p);
    if (problem) throw new AppError("validation_failed", `Cannot use ${problem}.`);
  }
  fs.mkdirSync(path.join(dir, "partners"), { recursive: true });
  const certFile = path.join(dir, "provider-client.crt");
  const changed: string[] = [];
  if (writeAtomic(certFile, pemEncode("CERTIFICATE", new Uint8Array(m.cert.der)) + pemEncode("CERTIFICATE", new Uint8Array(m.cert.ca.certDer)))) changed.push("provider-client.crt");
  const partners: EgressPartner[] = [];
  const skipped: { organisation: string; why: string }[] = [];
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
    const trustFile = path.join(dir, "partners", `${c.org.code}-trust.pem`);
    if (writeAtomic(trustFile, c.chainDer.map((d) => pemEncode("CERTIFICATE", new Uint8Array(d))).join(""))) changed.push(`partners/${c.org.code}-trust.pem`);
    partners.push({ organisation: c.org.code, ...ep, trustFile, certFile, keyFile: path.resolve(o.keyFile) });
  }
  const conf = egressConf({ envCode: m.env.code, listen: o.listen, partners, generatedAt: "by keyport gateway egress" });
  if (writeAtomic(path.join(dir, "egress.conf"), conf)) changed.push("egress.conf");
  await getDb().$transaction((tx) =>
    recordAudit(tx, actor, {
      action: "gateway.egress",
      targetType: "environment",
      targetId: m.env.id,
      details: { environment: m.env.code, partners: partners.map((p) => p.organisation), skipped, certificate: m.cert.serialHex, changed },
    }),
  );
  return { dir, partners: partners.map((p) => p.organisation), skipped, changed, certificate: { serial: m.cert.serialHex, notAfter: m.cert.notAfter } };
}

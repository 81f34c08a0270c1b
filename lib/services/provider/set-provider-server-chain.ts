import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { toDbBytes } from "@/lib/db/bytes";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { notifyEveryPartner } from "@/lib/notifications/emit-event";
import { AppError } from "@/lib/errors";
import { summariseFailures } from "@/lib/pki/chain";
import { pemEncode } from "@/lib/pki/pem";
import { describeInput, parseInput } from "@/lib/validation";
import { requireEnvironment } from "@/lib/services/environments/find-environment";
import { actorUserId } from "@/lib/services/scope";
import { validateWithRecords } from "@/lib/services/server-chains/upload-server-chain";

const schema = z.object({
  environment: describeInput(z.string().trim().min(1, "Choose an environment.").max(32), { expects: "an environment code" }),
  chain: describeInput(z.union([z.string(), z.instanceof(Uint8Array)]), { expects: "a string (the CA chain, PEM)", multiline: true }),
  server: describeInput(z.union([z.string(), z.instanceof(Uint8Array)]), { expects: "a string (the provider endpoint's certificate, PEM)", multiline: true }),
});

/**
 * An admin sets the provider's server chain of an environment (its public endpoint's certificate and
 * CA chain), checked like a partner's chain (the server certificate is required here). Replaces the previous one.
 */
export async function setProviderServerChain(actor: Actor, input: z.input<typeof schema>) {
  authorize(actor, "provider-server-chain:write");
  const data = parseInput(schema, input);
  const env = await requireEnvironment(data.environment.toUpperCase());
  const v = await validateWithRecords({ chain: data.chain, server: data.server }, env);
  if (!v.accepted || !v.serverDer) throw new AppError("validation_failed", summariseFailures(v.findings), { chain: summariseFailures(v.findings) }, { findings: v.findings });
  const row = {
    chainDer: v.chainDer.map(toDbBytes),
    serverCertDer: toDbBytes(v.serverDer),
    certificates: v.certificates.map((c) => ({ ...c, notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString() })),
    hosts: v.hosts,
    notAfter: v.notAfter!,
    updatedById: actorUserId(actor),
  };
  await getDb().$transaction(async (tx) => {
    await tx.providerServerChain.upsert({ where: { envId: env.id }, create: { envId: env.id, ...row }, update: row });
    await recordAudit(tx, actor, {
      action: "provider_server_chain.set",
      targetType: "environment",
      targetId: env.id,
      details: { environment: env.code, hosts: v.hosts, server: v.certificates[0]?.sha256Fingerprint, notAfter: v.notAfter!.toISOString() },
    });
    // Every partner of the environment must now trust the new chain: the next step is theirs.
    await notifyEveryPartner(tx, "provider_server_chain.changed", env.id);
  });
  return { environment: env.code, hosts: v.hosts, certificates: v.certificates, findings: v.findings };
}

/** The provider's server chain of an environment as partners see it (public material): fingerprints and PEM. */
export async function getProviderServerChain(actor: Actor, envCode: string) {
  authorize(actor, "exchange:read");
  const env = await requireEnvironment(envCode.toUpperCase());
  const row = await getDb().providerServerChain.findUnique({ where: { envId: env.id } });
  if (!row) return null;
  const ders = [row.serverCertDer, ...row.chainDer].map((d) => new Uint8Array(d));
  return {
    environment: env.code,
    hosts: row.hosts as string[],
    certificates: row.certificates as { role: string; subject: string; sha256Fingerprint: string; notAfter: string }[],
    notAfter: row.notAfter,
    pem: ders.map((d) => pemEncode("CERTIFICATE", d)).join(""),
  };
}

/** The same as a file, for anyone (certificates are public): PEM, the server certificate first. */
export async function providerServerChainFile(envCode: string) {
  const db = getDb();
  const env = await db.environment.findUnique({ where: { code: envCode.toUpperCase() } });
  const row = env ? await db.providerServerChain.findUnique({ where: { envId: env.id } }) : null;
  if (!env || !row) throw new AppError("not_found", `No provider server chain has been published for environment "${envCode.slice(0, 32)}".`);
  const pem = [row.serverCertDer, ...row.chainDer].map((d) => pemEncode("CERTIFICATE", new Uint8Array(d))).join("");
  return { body: pem, contentType: "application/x-pem-file", filename: `${env.code}-provider-server-chain.pem` };
}

// The mTLS connectivity test: an HTTPS listener per environment whose server
// certificate is issued by that environment's CA. GET /api/healthCheck answers
// 200 only to a client certificate issued by the environment's CA, unrevoked and
// unexpired, from an approved source IP; every other case gets its own error.
import { createHash, generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { getDb } from "@/lib/db/client";
import { type Actor, CLI_ACTOR } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { signLeaf, publicUrl } from "@/lib/ca/authority";
import { chainToPem } from "@/lib/pki/cert/download-formats";
import { buildName } from "@/lib/pki/cert/name";
import { pemEncode } from "@/lib/pki/pem";
import { parseCidr } from "@/lib/net/cidr";
import { AppError, logUnexpected } from "@/lib/errors";

export type Outcome = "ok" | "no_certificate" | "unknown_ca" | "revoked" | "expired" | "ip_not_allowed";

const STATUS: Record<Outcome, number> = { ok: 200, no_certificate: 401, unknown_ca: 401, revoked: 403, expired: 403, ip_not_allowed: 403 };

/** "PPR:8443,PRD:8444" → [{ envCode: "PPR", port: 8443 }, …]. */
export function parseListenerConfig(text: string | undefined): { envCode: string; port: number }[] {
  if (!text?.trim()) return [];
  return text.split(",").map((part) => {
    const m = /^\s*([A-Z][A-Z0-9]{1,9})\s*:\s*(\d{1,5})\s*$/.exec(part);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) {
      throw new AppError("bad_request", `KEYPORT_CONNECTIVITY: "${part.trim()}" is not ENV:PORT (e.g. PPR:8443,PRD:8444).`);
    }
    return { envCode: m[1], port: Number(m[2]) };
  });
}

const normaliseIp = (ip: string | undefined) => (ip ?? "").replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");

function ipAllowed(ip: string, cidrs: string[]): boolean {
  const addr = parseCidr(ip);
  if (!addr.ok) return false;
  return cidrs.some((c) => {
    const net = parseCidr(c);
    if (!net.ok || net.value.version !== addr.value.version) return false;
    const bits = net.value.prefix;
    const a = addr.value.network.toByteArray();
    const b = net.value.network.toByteArray();
    for (let i = 0; i < bits; i++) {
      const mask = 0x80 >> i % 8;
      if ((a[i >> 3] & mask) !== (b[i >> 3] & mask)) return false;
    }
    return true;
  });
}

/** Issue the listener's server certificate (ephemeral key, serverAuth) from the environment's issuing CA. */
async function issueServerCertificate(envCode: string, actor: Actor) {
  const db = getDb();
  const env = await db.environment.findUnique({ where: { code: envCode } });
  if (!env) throw new AppError("not_found", `KEYPORT_CONNECTIVITY names environment ${envCode}, which does not exist.`);
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spkiDer = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
  const host = new URL(publicUrl()).hostname;
  const dns = [...new Set(["localhost", host].filter((h) => !/^[\d.]+$|:/.test(h)))];
  const ip = [...new Set(["127.0.0.1", ...(/^[\d.]+$/.test(host) ? [host] : [])])];
  const cert = await db.$transaction(async (tx) => {
    const c = await signLeaf(tx, {
      env,
      orgId: null,
      profileCode: "connectivity-server",
      subjectDer: buildName({ CN: `keyport-connectivity-${env.code.toLowerCase()}`, O: process.env.KEYPORT_PROVIDER_NAME?.trim() || "Keyport" }),
      spkiDer,
      keyType: "ec",
      publicKeyFingerprint: createHash("sha256").update(spkiDer).digest("hex"),
      validityDays: 30,
      extendedKeyUsage: ["serverAuth"],
      sans: { dns, ip },
    });
    await recordAudit(tx, actor, {
      action: "certificate.issue",
      targetType: "certificate",
      targetId: c.id,
      details: { purpose: "connectivity listener server certificate", environment: env.code, serial: c.serialHex },
    });
    return c;
  });
  const cas = await db.certificateAuthority.findMany({ where: { envId: env.id, active: true }, select: { id: true, kind: true, certDer: true } });
  const issuing = cas.find((c) => c.kind === "issuing")!;
  const root = cas.find((c) => c.kind === "root")!;
  return {
    env,
    issuingId: issuing.id,
    key: privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    certChainPem: chainToPem([new Uint8Array(cert.der), new Uint8Array(issuing.certDer)]),
    caPem: [issuing, root].map((c) => pemEncode("CERTIFICATE", new Uint8Array(c.certDer))).join(""),
  };
}

type Verdict = { outcome: Outcome; message: string; certificate?: { id: string; serial: string; subject: string; notAfter: Date; organisation: string | null; orgId: string | null } };

/** Judge one request's client certificate and source IP against the database (revocation is read live). */
async function judge(envId: string, issuingId: string, socket: TLSSocket, sourceIp: string): Promise<Verdict> {
  const peer = socket.getPeerCertificate();
  if (!peer || !peer.raw) return { outcome: "no_certificate", message: "No client certificate was presented. Call with --cert and --key." };
  const fingerprint = createHash("sha256").update(peer.raw).digest("hex").toUpperCase().match(/../g)!.join(":");
  const db = getDb();
  const row = await db.certificate.findFirst({ where: { sha256Fingerprint: fingerprint, caId: issuingId }, include: { org: true } });
  if (!row) return { outcome: "unknown_ca", message: "The client certificate was not issued by this environment's CA." };
  const certificate = { id: row.id, serial: row.serialHex, subject: row.subject, notAfter: row.notAfter, organisation: row.org?.code ?? null, orgId: row.orgId };
  if (row.revokedAt) return { outcome: "revoked", message: `The client certificate was revoked on ${row.revokedAt.toISOString()} (${row.revocationReason}).`, certificate };
  if (row.notAfter.getTime() <= Date.now() || row.notBefore.getTime() > Date.now()) {
    return { outcome: "expired", message: `The client certificate is outside its validity (${row.notBefore.toISOString()} – ${row.notAfter.toISOString()}).`, certificate };
  }
  if (!socket.authorized) return { outcome: "unknown_ca", message: `The client certificate does not verify against this environment's CA chain (${String(socket.authorizationError)}).`, certificate };
  const entries = await db.allowlistEntry.findMany({ where: { envId, removedAt: null, ...(row.orgId ? { orgId: row.orgId } : {}) }, select: { cidr: true } });
  if (!ipAllowed(sourceIp, entries.map((e) => e.cidr))) {
    return { outcome: "ip_not_allowed", message: `Source IP ${sourceIp} is not on ${row.org ? `the allowlist of ${row.org.code}` : "the allowlist"} for this environment; ask for it under IP allowlist.`, certificate };
  }
  return { outcome: "ok", message: "Mutual TLS works: certificate valid, source IP allowlisted.", certificate };
}

async function record(envCode: string, v: Verdict, sourceIp: string) {
  if (!v.certificate) return; // nothing to attach an anonymous probe to
  await getDb().$transaction(async (tx) => {
    await tx.connectivityTest.create({ data: { certificateId: v.certificate!.id, envCode, sourceIp, outcome: v.outcome, ok: v.outcome === "ok" } });
    await recordAudit(tx, CLI_ACTOR, {
      action: v.outcome === "ok" ? "connectivity.verified" : "connectivity.failed",
      orgId: v.certificate!.orgId,
      targetType: "certificate",
      targetId: v.certificate!.id,
      details: { environment: envCode, outcome: v.outcome, sourceIp },
    });
  });
}

export type RunningListener = { envCode: string; port: number; server: Server; caPem: string; close: () => Promise<void> };

/** Start the listener for one environment on host:port (port 0 picks a free one). */
export async function startConnectivityListener(opts: { envCode: string; port: number; host?: string; actor?: Actor }): Promise<RunningListener> {
  const material = await issueServerCertificate(opts.envCode, opts.actor ?? CLI_ACTOR);
  const server = createServer({ key: material.key, cert: material.certChainPem, ca: material.caPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(body) + "\n");
    };
    const url = new URL(req.url ?? "/", "https://x");
    if (url.pathname !== "/api/healthCheck" || (req.method !== "GET" && req.method !== "HEAD")) {
      send(404, { error: { code: "not_found", message: "Only GET /api/healthCheck is served here." } });
      return;
    }
    const socket = req.socket as TLSSocket;
    const sourceIp = normaliseIp(socket.remoteAddress);
    judge(material.env.id, material.issuingId, socket, sourceIp)
      .then(async (v) => {
        await record(material.env.code, v, sourceIp);
        const seen = { environment: material.env.code, sourceIp };
        if (v.outcome === "ok") {
          send(200, {
            status: "ok",
            message: v.message,
            ...seen,
            organisation: v.certificate!.organisation,
            certificate: { serial: v.certificate!.serial, subject: v.certificate!.subject, notAfter: v.certificate!.notAfter.toISOString() },
          });
        } else {
          send(STATUS[v.outcome], { status: "refused", error: { code: v.outcome, message: v.message }, ...seen, ...(v.certificate ? { certificate: { serial: v.certificate.serial, subject: v.certificate.subject } } : {}) });
        }
      })
      .catch((e) => send(500, { error: { code: "internal", message: `Something went wrong (ref ${logUnexpected(e, "connectivity listener")}).` } }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    envCode: material.env.code,
    port,
    server,
    caPem: material.caPem,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Start every listener named by KEYPORT_CONNECTIVITY (e.g. "PPR:8443,PRD:8444"); failures are logged, never fatal. */
export async function startConfiguredListeners(env: NodeJS.ProcessEnv = process.env): Promise<RunningListener[]> {
  const config = parseListenerConfig(env.KEYPORT_CONNECTIVITY);
  const host = env.KEYPORT_CONNECTIVITY_HOST?.trim() || "127.0.0.1";
  const started: RunningListener[] = [];
  for (const c of config) {
    try {
      const l = await startConnectivityListener({ envCode: c.envCode, port: c.port, host });
      started.push(l);
      console.log(`[keyport] connectivity test for ${c.envCode}: https://${host}:${l.port}/api/healthCheck`);
    } catch (e) {
      console.error(`[keyport] connectivity listener for ${c.envCode} not started: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return started;
}

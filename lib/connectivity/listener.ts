// The mTLS connectivity test: an HTTPS listener per environment whose server
// certificate is issued by that environment's CA. GET /api/healthCheck answers
// 200 only to a client certificate issued by the environment's CA, unrevoked and
// unexpired, from an approved source IP; every other case gets its own error.
// The server certificate (30 days, no organisation: the listener's own) is one per environment,
// shared by every instance (lib/ca/listener-credential.ts): the job engine renews it before it
// expires and each listener reloads it in place; a listener whose environment or CA does not exist
// yet keeps trying to start.
import { log } from "@/lib/log/logger";
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:https";
import { isIP, type AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { getDb } from "@/lib/db/client";
import { dnsNameProblem } from "@/lib/pki/cert/san-names";
import { getEnvironmentCaChain } from "@/lib/services/ca/ca-chain";
import { type Actor, CLI_ACTOR } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { publicUrl } from "@/lib/ca/authority";
import { type ListenerMaterial, SERVER_CERT_RENEW_BEFORE_MS, SERVER_CERT_VALIDITY_DAYS, ensureListenerCredential } from "@/lib/ca/listener-credential";
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

/** How often each listener reloads the shared credential (renewed by the job engine, or here when due). */
const RELOAD_EVERY_MS = 5 * 60_000;
/** How often a listener that could not start (no environment or CA yet, port busy) tries again. */
export const START_RETRY_EVERY_MS = 60_000;
export { SERVER_CERT_RENEW_BEFORE_MS, SERVER_CERT_VALIDITY_DAYS };

const UNSPECIFIED = new Set(["0.0.0.0", "::", "0:0:0:0:0:0:0:0"]);
const stripBrackets = (h: string) => h.replace(/^\[(.*)\]$/, "$1");

/**
 * The server certificate's SANs: loopback by name and address (IPv4 and IPv6), the public host of
 * KEYPORT_PUBLIC_URL and the bind host, each as a DNS name or an IP address (IPv6 literals too). A
 * wildcard bind address (0.0.0.0, ::) names no host and is left out.
 */
export function serverCertificateNames(bindHost: string, publicUrl: string): { dns: string[]; ip: string[] } {
  const dns = new Set(["localhost"]);
  const ip = new Set(["127.0.0.1", "::1"]);
  let publicHost = "";
  try {
    publicHost = stripBrackets(new URL(publicUrl).hostname);
  } catch {
    // not a URL: nothing to add
  }
  for (const raw of [publicHost, stripBrackets(bindHost.trim())]) {
    const host = raw.toLowerCase();
    if (!host || UNSPECIFIED.has(host)) continue;
    if (isIP(host)) ip.add(host);
    else if (dnsNameProblem(host) === null) dns.add(host);
  }
  return { dns: [...dns], ip: [...ip] };
}

/** https://host:port/api/healthCheck, with an IPv6 host in brackets (RFC 3986 §3.2.2). */
export function healthCheckUrl(host: string, port: number): string {
  const h = stripBrackets(host);
  return `https://${isIP(h) === 6 ? `[${h}]` : h}:${port}/api/healthCheck`;
}

type ListenerEnvironment = { env: { id: string; code: string }; issuingId: string; caPem: string };

/** The environment and its active CAs; a clear error when either is missing (the listener retries). */
async function loadEnvironment(envCode: string): Promise<ListenerEnvironment> {
  const { env, issuing, root } = await getEnvironmentCaChain(envCode).catch((e: unknown) => {
    if (e instanceof AppError && e.code === "not_found") throw new AppError("not_found", `KEYPORT_CONNECTIVITY names ${envCode}: ${e.message}`);
    throw e;
  });
  return {
    env: { id: env.id, code: env.code },
    issuingId: issuing.id,
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

export type RunningListener = {
  envCode: string;
  port: number;
  server: Server;
  caPem: string;
  /** The server certificate being served now. */
  serverCertificate: () => { id: string; serial: string; notAfter: Date };
  /** Renew the shared server certificate when less than SERVER_CERT_RENEW_BEFORE_MS is left at `now`, and serve the current one; true when it changed. */
  renewIfDue: (now?: Date) => Promise<boolean>;
  close: () => Promise<void>;
};

type Log = { info: (s: string) => void; error: (s: string) => void };
const consoleLog: Log = { info: (s) => log("connectivity").info(s.replace(/^\[keyport\] /, "")), error: (s) => log("connectivity").error(s.replace(/^\[keyport\] /, "")) };

/** Start the listener for one environment on host:port (port 0 picks a free one). */
export async function startConnectivityListener(opts: {
  envCode: string;
  port: number;
  host?: string;
  actor?: Actor;
  /** Default KEYPORT_PUBLIC_URL: its host goes into the server certificate. */
  publicUrl?: string;
  renewCheckEveryMs?: number;
  log?: Log;
}): Promise<RunningListener> {
  const actor = opts.actor ?? CLI_ACTOR;
  const log = opts.log ?? consoleLog;
  const host = opts.host ?? "127.0.0.1";
  const target = await loadEnvironment(opts.envCode);
  const names = serverCertificateNames(host, opts.publicUrl ?? publicUrl());
  // TLS material is set once the port is ours: a busy port must not cost a certificate per attempt.
  const server = createServer({ requestCert: true, rejectUnauthorized: false }, (req, res) => {
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
    judge(target.env.id, target.issuingId, socket, sourceIp)
      .then(async (v) => {
        await record(target.env.code, v, sourceIp);
        const seen = { environment: target.env.code, sourceIp };
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
    server.listen(opts.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const apply = (m: ListenerMaterial) => server.setSecureContext({ key: m.key, cert: m.certChainPem, ca: target.caPem });
  let current: ListenerMaterial["certificate"];
  try {
    const got = await ensureListenerCredential(target.env, names, actor);
    const m = await got.open();
    apply(m);
    current = m.certificate;
  } catch (e) {
    await new Promise((resolve) => server.close(resolve));
    throw e;
  }

  // Renew when due (under the credential's lock: one certificate between all instances and the job),
  // and serve whatever certificate is current — including one another instance or the job renewed.
  const reload = async (now: Date) => {
    const got = await ensureListenerCredential(target.env, names, actor, now);
    if (got.certificate.id === current.id) return false;
    const m = await got.open();
    apply(m); // new handshakes get the new certificate; open connections keep theirs
    current = m.certificate;
    log.info(`[keyport] connectivity listener for ${target.env.code}: new server certificate ${m.certificate.serial}, valid until ${m.certificate.notAfter.toISOString()}.`);
    return true;
  };
  let reloading: Promise<boolean> | null = null; // one at a time
  const renewIfDue = (now = new Date()) => (reloading ??= reload(now).finally(() => (reloading = null)));
  const timer = setInterval(() => {
    renewIfDue().catch((e) => log.error(`[keyport] connectivity listener for ${target.env.code}: could not reload its server certificate (retrying): ${e instanceof Error ? e.message : String(e)}`));
  }, opts.renewCheckEveryMs ?? RELOAD_EVERY_MS);
  timer.unref(); // never keeps the process alive

  return {
    envCode: target.env.code,
    port: (server.address() as AddressInfo).port,
    server,
    caPem: target.caPem,
    serverCertificate: () => ({ ...current }),
    renewIfDue,
    close: () => {
      clearInterval(timer);
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export type ConfiguredListeners = {
  /** The listeners started so far (more appear as retries succeed). */
  listeners: RunningListener[];
  /** Stop retrying and close every listener. */
  close: () => Promise<void>;
};

/**
 * Start every listener named by KEYPORT_CONNECTIVITY (e.g. "PPR:8443,PRD:8444"). Failures are never
 * fatal: a listener that cannot start (environment or CA not created yet, port busy) is retried on
 * an unref'd timer; the reason is logged when it first occurs or changes, the start once.
 */
export async function startConfiguredListeners(
  env: Record<string, string | undefined> = process.env,
  opts: { retryEveryMs?: number; log?: Log } = {},
): Promise<ConfiguredListeners> {
  const config = parseListenerConfig(env.KEYPORT_CONNECTIVITY);
  const host = env.KEYPORT_CONNECTIVITY_HOST?.trim() || "127.0.0.1";
  const log = opts.log ?? consoleLog;
  const retryEveryMs = opts.retryEveryMs ?? START_RETRY_EVERY_MS;
  const listeners: RunningListener[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const attempt = async (c: { envCode: string; port: number }, lastError: string | null): Promise<void> => {
    try {
      const l = await startConnectivityListener({ envCode: c.envCode, port: c.port, host, log });
      if (closed) {
        await l.close();
        return;
      }
      listeners.push(l);
      log.info(`[keyport] connectivity test for ${c.envCode}: ${healthCheckUrl(host, l.port)}`);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      if (reason !== lastError) log.error(`[keyport] connectivity listener for ${c.envCode} not started: ${reason} Retrying every ${retryEveryMs >= 1000 ? `${Math.round(retryEveryMs / 1000)} s` : `${retryEveryMs} ms`}.`);
      if (closed) return;
      const t = setTimeout(() => {
        timers.delete(t);
        void attempt(c, reason);
      }, retryEveryMs);
      t.unref();
      timers.add(t);
    }
  };
  await Promise.all(config.map((c) => attempt(c, null)));
  return {
    listeners,
    close: async () => {
      closed = true;
      for (const t of timers) clearTimeout(t);
      await Promise.all(listeners.map((l) => l.close()));
    },
  };
}

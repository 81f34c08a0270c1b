// The readiness probe (issue 18, item 6): provider → partner. One GET to a partner's confirmed
// callback base URL, phase by phase — DNS, TCP, TLS (the provider's client certificate, the
// partner's endorsed chain as the only trust anchors), HTTP — each with its own bounded timeout,
// and one classified outcome with the evidence: timings per phase, the peer certificate, the
// address reached, the error text. Verification is done here rather than by rejectUnauthorized
// so that a failed handshake still yields the peer certificate and a precise reason.
import { X509Certificate } from "node:crypto";
import { lookup as dnsLookup } from "node:dns/promises";
import { request as httpRequest } from "node:http";
import { connect as netConnect, isIP, type Socket } from "node:net";
import { checkServerIdentity, connect as tlsConnect, type PeerCertificate, type SecureContext, type TLSSocket } from "node:tls";

export const PROBE_OUTCOMES = [
  "ok",
  "dns_failure",
  "address_refused",
  "tcp_refused",
  "tcp_timeout",
  "tls_unknown_ca",
  "tls_name_mismatch",
  "tls_expired",
  "tls_client_cert_refused",
  "tls_protocol",
  "tls_other",
  "http_status",
] as const;
export type ProbeOutcome = (typeof PROBE_OUTCOMES)[number];

export type ProbeTimings = { dnsMs: number | null; connectMs: number | null; tlsMs: number | null; httpMs: number | null; totalMs: number };
export type ProbePeer = { subject: string; issuer: string; sha256Fingerprint: string; notBefore: string; notAfter: string; subjectAltName: string | null };
export type ProbeResult = {
  outcome: ProbeOutcome;
  httpStatus: number | null;
  message: string;
  error: string | null;
  remoteAddress: string | null;
  tlsProtocol: string | null;
  timings: ProbeTimings;
  peer: ProbePeer | null;
  startedAt: Date;
};

export const PROBE_TIMEOUTS = { dnsMs: 5_000, connectMs: 5_000, tlsMs: 5_000, httpMs: 5_000 } as const;
export type ProbeTimeouts = { dnsMs: number; connectMs: number; tlsMs: number; httpMs: number };

export type ProbeTarget = {
  /** A canonical https URL (lib/net/endpoint-url.ts). */
  url: string;
  context: SecureContext;
  /** Why an address may not be connected to (a production environment: loopback, private…), or null. */
  addressProblem: (address: string) => string | null;
  timeouts?: Partial<ProbeTimeouts>;
};

// OpenSSL verification errors (X509_V_ERR_*), as Node names them in authorizationError.
const UNKNOWN_CA = new Set([
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
  "CERT_CHAIN_TOO_LONG",
]);
const EXPIRED = new Set(["CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID"]);
// TLS alerts the partner's server sends when it refuses the client certificate (RFC 8446 §6.2).
const CLIENT_CERT_ALERTS = [
  "ALERT_UNKNOWN_CA",
  "ALERT_BAD_CERTIFICATE",
  "ALERT_CERTIFICATE_REQUIRED",
  "ALERT_CERTIFICATE_EXPIRED",
  "ALERT_CERTIFICATE_REVOKED",
  "ALERT_CERTIFICATE_UNKNOWN",
  "ALERT_UNSUPPORTED_CERTIFICATE",
  "ALERT_ACCESS_DENIED",
];
const PROTOCOL = ["ALERT_PROTOCOL_VERSION", "UNSUPPORTED_PROTOCOL", "WRONG_VERSION_NUMBER", "NO_PROTOCOLS_AVAILABLE", "PACKET_LENGTH_TOO_LONG", "RECORD_LAYER_FAILURE", "ALERT_INSUFFICIENT_SECURITY", "NO_SHARED_CIPHER"];

const errText = (e: unknown) => {
  const err = e as NodeJS.ErrnoException & { reason?: string };
  return [err?.code, err?.reason ?? err?.message].filter(Boolean).join(": ").slice(0, 500) || String(e).slice(0, 500);
};
const codeOf = (e: unknown) => String((e as NodeJS.ErrnoException)?.code ?? "");

class PhaseTimeout extends Error {}

function within<T>(ms: number, work: (done: (v: T) => void, fail: (e: unknown) => void) => () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let cleanup: () => void = () => {};
    const timer = setTimeout(() => {
      cleanup();
      reject(new PhaseTimeout(`no answer within ${ms} ms`));
    }, ms);
    cleanup = work(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        cleanup();
        reject(e);
      },
    );
  });
}

function peerOf(cert: PeerCertificate | undefined): ProbePeer | null {
  if (!cert?.raw?.length) return null;
  try {
    const x = new X509Certificate(cert.raw);
    return {
      subject: x.subject.split("\n").join(", "),
      issuer: x.issuer.split("\n").join(", "),
      sha256Fingerprint: x.fingerprint256,
      notBefore: new Date(x.validFrom).toISOString(),
      notAfter: new Date(x.validTo).toISOString(),
      subjectAltName: x.subjectAltName ?? null,
    };
  } catch {
    return null;
  }
}

/** Classify a TLS-layer error (handshake or the first read after it). */
function classifyTlsError(e: unknown, afterHandshake: boolean): { outcome: ProbeOutcome; message: string } {
  const code = codeOf(e);
  if (CLIENT_CERT_ALERTS.some((a) => code.endsWith(a)))
    return { outcome: "tls_client_cert_refused", message: `The partner's server refused the provider's client certificate (TLS alert ${code.replace(/^ERR_SSL_(SSLV3|TLSV1|TLSV13)_/, "")}): make it trust the provider client CA of this environment.` };
  if (code.endsWith("ALERT_HANDSHAKE_FAILURE"))
    return { outcome: "tls_client_cert_refused", message: "The partner's server ended the handshake (handshake_failure): it most likely refused the provider's client certificate, or no cipher suite is shared." };
  if (PROTOCOL.some((p) => code.endsWith(p))) return { outcome: "tls_protocol", message: `No TLS 1.2 or 1.3 session could be agreed (${code || "protocol error"}): the port may not speak TLS, or only older versions.` };
  if (afterHandshake && (code === "ECONNRESET" || code === "EPIPE"))
    return { outcome: "tls_client_cert_refused", message: "The partner's server closed the connection right after the handshake: it most likely refused the provider's client certificate." };
  return { outcome: "tls_other", message: `The TLS connection failed: ${errText(e)}.` };
}

/** Probe one URL. Never throws: every failure is a classified result. */
export async function probeUrl(target: ProbeTarget): Promise<ProbeResult> {
  const t = { ...PROBE_TIMEOUTS, ...target.timeouts };
  const startedAt = new Date();
  const t0 = performance.now();
  const timings: ProbeTimings = { dnsMs: null, connectMs: null, tlsMs: null, httpMs: null, totalMs: 0 };
  let remoteAddress: string | null = null;
  let tlsProtocol: string | null = null;
  let peer: ProbePeer | null = null;
  const done = (outcome: ProbeOutcome, message: string, error: unknown = null, httpStatus: number | null = null): ProbeResult => ({
    outcome,
    httpStatus,
    message,
    error: error === null ? null : errText(error),
    remoteAddress,
    tlsProtocol,
    timings: { ...timings, totalMs: Math.round(performance.now() - t0) },
    peer,
    startedAt,
  });
  const since = (p: number) => Math.round(performance.now() - p);

  const u = new URL(target.url);
  const host = u.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = u.port ? Number(u.port) : 443;
  const path = u.pathname || "/";

  // 1. DNS (skipped for an IP literal).
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    const p = performance.now();
    try {
      const found = await Promise.race([
        dnsLookup(host, { all: true, verbatim: true }),
        new Promise<never>((_, reject) => setTimeout(() => reject(new PhaseTimeout(`no answer within ${t.dnsMs} ms`)), t.dnsMs).unref()),
      ]);
      addresses = found.map((a) => a.address);
      timings.dnsMs = since(p);
    } catch (e) {
      timings.dnsMs = since(p);
      const code = codeOf(e);
      const why = e instanceof PhaseTimeout ? e.message : code === "ENOTFOUND" ? "the name does not exist (NXDOMAIN) or has no address" : errText(e);
      return done("dns_failure", `${host} does not resolve: ${why}.`, e);
    }
    if (!addresses.length) return done("dns_failure", `${host} has no address.`);
  }

  // 2. Which address may be reached (a production environment never reaches private space).
  const allowed = addresses.filter((a) => target.addressProblem(a) === null);
  if (!allowed.length) return done("address_refused", `${host} resolves only to addresses this environment does not reach: ${target.addressProblem(addresses[0])}.`);

  // 3. TCP, to each allowed address in turn until one answers.
  let socket: Socket | null = null;
  let lastTcpError: unknown = null;
  const pc = performance.now();
  for (const address of allowed) {
    try {
      socket = await within<Socket>(t.connectMs, (ok, fail) => {
        const s = netConnect({ host: address, port });
        s.once("connect", () => ok(s));
        s.once("error", fail);
        return () => s.destroy();
      });
      remoteAddress = address;
      break;
    } catch (e) {
      lastTcpError = e;
    }
  }
  timings.connectMs = since(pc);
  if (!socket) {
    const e = lastTcpError;
    remoteAddress = allowed[allowed.length - 1];
    if (e instanceof PhaseTimeout) return done("tcp_timeout", `No TCP connection to ${remoteAddress} port ${port} within ${t.connectMs} ms: a firewall drops the packets, or the host is down.`, e);
    const code = codeOf(e);
    if (code === "ECONNREFUSED") return done("tcp_refused", `${remoteAddress} refused the TCP connection on port ${port}: nothing listens there.`, e);
    return done("tcp_refused", `No TCP connection to ${remoteAddress} port ${port}: ${errText(e)}.`, e);
  }

  // 4. TLS with the provider's client certificate; the partner's endorsed chain is the only trust.
  const pt = performance.now();
  let tls: TLSSocket;
  try {
    tls = await within<TLSSocket>(t.tlsMs, (ok, fail) => {
      const s = tlsConnect({ socket: socket!, secureContext: target.context, host, servername: isIP(host) ? undefined : host, rejectUnauthorized: false, checkServerIdentity: () => undefined, ALPNProtocols: ["http/1.1"] });
      s.once("secureConnect", () => ok(s));
      s.once("error", fail);
      return () => s.destroy();
    });
  } catch (e) {
    timings.tlsMs = since(pt);
    socket.destroy();
    if (e instanceof PhaseTimeout) return done("tls_protocol", `No TLS handshake with ${remoteAddress} port ${port} within ${t.tlsMs} ms: the port may not speak TLS.`, e);
    const c = classifyTlsError(e, false);
    return done(c.outcome, c.message, e);
  }
  timings.tlsMs = since(pt);
  tlsProtocol = tls.getProtocol() ?? null;
  const peerCert = tls.getPeerCertificate(true);
  peer = peerOf(peerCert);
  const verifyError = tls.authorizationError ? String(tls.authorizationError) : null;
  const verifyCode = (tls.authorizationError as unknown as { code?: string } | null)?.code ?? verifyError ?? "";
  if (!tls.authorized) {
    tls.destroy();
    if (EXPIRED.has(verifyCode)) return done("tls_expired", `The partner's server certificate ${verifyCode === "CERT_NOT_YET_VALID" ? "is not valid yet" : `expired${peer ? ` at ${peer.notAfter}` : ""}`}: renew it.`, verifyError);
    if (UNKNOWN_CA.has(verifyCode)) return done("tls_unknown_ca", "The partner's server certificate does not chain to the partner's endorsed server CA chain: upload the chain the server really uses, or install a certificate from it.", verifyError);
    return done("tls_other", `The partner's server certificate does not verify: ${verifyError ?? "unknown reason"}.`, verifyError);
  }
  const mismatch = checkServerIdentity(host, peerCert);
  if (mismatch) {
    tls.destroy();
    return done("tls_name_mismatch", `The partner's server certificate does not name ${host}${peer?.subjectAltName ? ` (it names ${peer.subjectAltName})` : ""}.`, mismatch);
  }

  // 5. HTTP/1.1 GET on the same connection. TLS 1.3 servers check the client certificate after
  // the client's handshake is done: their refusal arrives here, as an alert on the first read.
  const ph = performance.now();
  try {
    const status = await within<number>(t.httpMs, (ok, fail) => {
      const req = httpRequest({ host, port, path, method: "GET", createConnection: () => tls, headers: { host: u.host, "user-agent": "Keyport-readiness-probe/1", accept: "*/*", connection: "close" } }, (res) => {
        ok(res.statusCode ?? 0);
        res.resume();
      });
      req.once("error", fail);
      tls.once("error", fail);
      req.end();
      return () => req.destroy();
    });
    timings.httpMs = since(ph);
    tls.destroy();
    if (status >= 200 && status < 400) return done("ok", `Mutual TLS works and ${u.host}${path} answered HTTP ${status}.`, null, status);
    return done(
      "http_status",
      `Mutual TLS works, but GET ${path} answered HTTP ${status}${status === 401 || status === 403 ? ": the server (or its gateway) did not accept the provider's client certificate after the handshake" : status >= 500 ? ": the partner's application failed" : ""}.`,
      null,
      status,
    );
  } catch (e) {
    timings.httpMs = since(ph);
    tls.destroy();
    if (e instanceof PhaseTimeout) return done("http_status", `Mutual TLS works, but no HTTP answer within ${t.httpMs} ms.`, e);
    const c = classifyTlsError(e, true);
    return done(c.outcome, c.message, e);
  }
}

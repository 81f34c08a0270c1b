// Validation of a partner's server CA chain (and, optionally, its server certificate) before an
// officer may endorse it. Every finding names the certificate and what to fix; the chain is
// returned re-encoded (pkijs, DER) in path order, intermediate(s) first and the root last.
//
// What is checked (RFC 5280 §4.2.1.9 basicConstraints, §4.2.1.3 keyUsage, §6.1 path validation
// in its simple form: one path, names chained by bytes, each signature verified by its issuer's key):
//   every CA certificate is a CA with keyCertSign; signatures verify; the certificates form one
//   path ending at a self-signed root; nothing left over; pathLenConstraint holds; each certificate
//   is valid now and for at least the policy's minimum; keys and signature hashes meet the policy;
//   nothing Keyport knows to be revoked. A server certificate chains to the path, is no CA, may be
//   used for serverAuth, and names its hosts.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { nameToString } from "../cert/name";
import { inspectSpki, verifySignature } from "../cert/signer";
import { toHex } from "../pem";
import type { ChainFinding } from "./findings";
import type { ReadCertificate } from "./read-chain-input";

const DAY = 86_400_000;

export type TrustPolicy = {
  /** Days of validity every certificate must still have (the environment's minimum). */
  minValidityDays: number;
  minRsaBits: number;
  /** Curves by WebCrypto name. */
  curves: readonly string[];
};

export const DEFAULT_TRUST_POLICY: TrustPolicy = { minValidityDays: 30, minRsaBits: 2048, curves: ["P-256", "P-384", "P-521"] };

const OID = {
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  anyEku: "2.5.29.37.0",
};

/** Signature algorithms by OID: the hash they use, and whether Keyport verifies them. */
const SIGNATURE_HASH: Record<string, { name: string; hash: string; strong: boolean }> = {
  "1.2.840.113549.1.1.4": { name: "md5WithRSAEncryption", hash: "MD5", strong: false },
  "1.2.840.113549.1.1.5": { name: "sha1WithRSAEncryption", hash: "SHA-1", strong: false },
  "1.2.840.10045.4.1": { name: "ecdsa-with-SHA1", hash: "SHA-1", strong: false },
  "1.2.840.113549.1.1.14": { name: "sha224WithRSAEncryption", hash: "SHA-224", strong: false },
  "1.2.840.10045.4.3.1": { name: "ecdsa-with-SHA224", hash: "SHA-224", strong: false },
  "1.2.840.113549.1.1.11": { name: "sha256WithRSAEncryption", hash: "SHA-256", strong: true },
  "1.2.840.113549.1.1.12": { name: "sha384WithRSAEncryption", hash: "SHA-384", strong: true },
  "1.2.840.113549.1.1.13": { name: "sha512WithRSAEncryption", hash: "SHA-512", strong: true },
  "1.2.840.10045.4.3.2": { name: "ecdsa-with-SHA256", hash: "SHA-256", strong: true },
  "1.2.840.10045.4.3.3": { name: "ecdsa-with-SHA384", hash: "SHA-384", strong: true },
  "1.2.840.10045.4.3.4": { name: "ecdsa-with-SHA512", hash: "SHA-512", strong: true },
};

export type ChainCertificateSummary = {
  role: "root" | "intermediate" | "server";
  subject: string;
  issuer: string;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  sha256Fingerprint: string;
  key: string;
};

export type ChainValidation = {
  findings: ChainFinding[];
  accepted: boolean;
  /** CA certificates in path order (issuing first, root last), DER as pkijs re-encodes them. */
  chainDer: Uint8Array[];
  serverDer: Uint8Array | null;
  certificates: ChainCertificateSummary[];
  /** Server certificate's host names (DNS and IP SANs). */
  hosts: string[];
  /** The earliest notAfter of the path (and the server certificate). */
  notAfter: Date | null;
};

type Item = ReadCertificate & { subjectDer: Uint8Array; issuerDer: Uint8Array; subject: string; label: string; fingerprint: string };

const bytesEqual = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const nameDer = (n: pkijs.RelativeDistinguishedNames) => new Uint8Array(n.toSchema().toBER(false));

async function sha256Hex(der: Uint8Array): Promise<string> {
  const d = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", der as Uint8Array<ArrayBuffer>));
  return toHex(d, ":").toUpperCase();
}

function extension(cert: pkijs.Certificate, oid: string) {
  return cert.extensions?.find((e) => e.extnID === oid);
}

function keyUsageBits(cert: pkijs.Certificate): Set<number> | null {
  const ext = extension(cert, OID.keyUsage);
  if (!ext) return null;
  const bits = new Set<number>();
  try {
    const parsed = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView);
    const bs = parsed.result as asn1js.BitString;
    const bytes = bs.valueBlock.valueHexView;
    bytes.forEach((b, i) => {
      for (let j = 0; j < 8; j++) if (b & (0x80 >> j)) bits.add(i * 8 + j);
    });
  } catch {
    return bits;
  }
  return bits;
}

function basicConstraints(cert: pkijs.Certificate): { cA: boolean; pathLen?: number } | null {
  const ext = extension(cert, OID.basicConstraints);
  if (!ext) return null;
  const bc = ext.parsedValue as pkijs.BasicConstraints | undefined;
  if (!bc) return { cA: false };
  const pl = bc.pathLenConstraint;
  return { cA: !!bc.cA, pathLen: typeof pl === "number" ? pl : pl instanceof asn1js.Integer ? pl.valueBlock.valueDec : undefined };
}

function spkiDer(cert: pkijs.Certificate): Uint8Array {
  return new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER(false));
}

async function signedBy(child: pkijs.Certificate, issuer: pkijs.Certificate): Promise<boolean> {
  try {
    return await verifySignature(spkiDer(issuer), child.signatureAlgorithm.algorithmId, new Uint8Array(child.tbsView), new Uint8Array(child.signatureValue.valueBlock.valueHexView));
  } catch {
    return false;
  }
}

function describeKey(cert: pkijs.Certificate): { text: string; problem: string | null } {
  try {
    const s = inspectSpki(spkiDer(cert));
    return s.algorithm === "rsa" ? { text: `RSA-${s.bits}`, problem: null } : { text: `EC ${s.curveOid === "1.2.840.10045.3.1.7" ? "P-256" : s.curveOid === "1.3.132.0.34" ? "P-384" : "P-521"}`, problem: null };
  } catch (e) {
    return { text: "unsupported", problem: e instanceof Error ? e.message : "unsupported key" };
  }
}

function hostsOf(cert: pkijs.Certificate): string[] {
  const ext = extension(cert, OID.subjectAltName);
  const alt = ext?.parsedValue as pkijs.AltName | undefined;
  const out: string[] = [];
  for (const gn of alt?.altNames ?? []) {
    if (gn.type === 2 && typeof gn.value === "string") out.push(gn.value);
    if (gn.type === 7 && gn.value instanceof asn1js.OctetString) {
      const b = gn.value.valueBlock.valueHexView;
      out.push(b.length === 4 ? Array.from(b).join(".") : toHex(b).replace(/(.{4})(?!$)/g, "$1:"));
    }
  }
  return out;
}

/**
 * Validate CA certificates (any order) and an optional server certificate under a trust policy.
 * `isRevoked(fingerprint)` tells what Keyport knows to be revoked (its own revoked certificates).
 */
export async function validateServerChain(params: {
  certificates: readonly ReadCertificate[];
  server?: ReadCertificate | null;
  now?: Date;
  policy?: TrustPolicy;
  isRevoked?: (sha256Fingerprint: string) => boolean;
}): Promise<ChainValidation> {
  const now = params.now ?? new Date();
  const policy = params.policy ?? DEFAULT_TRUST_POLICY;
  const findings: ChainFinding[] = [];
  const fail = (code: string, message: string) => findings.push({ code, result: "fail", message });
  const warn = (code: string, message: string) => findings.push({ code, result: "warn", message });
  const empty: ChainValidation = { findings, accepted: false, chainDer: [], serverDer: null, certificates: [], hosts: [], notAfter: null };

  // Drop exact duplicates (a bundle that repeats the root), keep the first.
  const items: Item[] = [];
  for (const c of params.certificates) {
    const fingerprint = await sha256Hex(c.der);
    if (items.some((i) => i.fingerprint === fingerprint)) {
      warn("chain.duplicate", `${c.source} repeats a certificate given earlier; it was counted once.`);
      continue;
    }
    const subjectDer = nameDer(c.cert.subject);
    const subject = safeName(subjectDer);
    items.push({ ...c, subjectDer, issuerDer: nameDer(c.cert.issuer), subject, label: `"${subject}" (${c.source})`, fingerprint });
  }
  if (!items.length) {
    fail("chain.empty", "No CA certificate was given: upload the root and intermediate CA certificates your server certificates chain to.");
    return empty;
  }

  // A leaf in place of a CA: told apart first, so the path checks below speak only of CAs.
  const cas: Item[] = [];
  const server = params.server ?? null;
  for (const it of items) {
    const bc = basicConstraints(it.cert);
    if (!bc?.cA) {
      fail(
        "ca.basic-constraints",
        `${it.label} is not a CA certificate: ${bc ? "basicConstraints says CA:FALSE" : "it has no basicConstraints extension"} (RFC 5280 §4.2.1.9). A leaf certificate cannot stand in for a CA; if it is your server certificate, give it in the server certificate field.`,
      );
      continue;
    }
    const ku = keyUsageBits(it.cert);
    if (!ku) fail("ca.key-usage", `${it.label} has no keyUsage extension; a CA certificate must assert keyCertSign (RFC 5280 §4.2.1.3).`);
    else if (!ku.has(5)) fail("ca.key-usage", `${it.label} does not assert keyCertSign in keyUsage, so it may not sign certificates (RFC 5280 §4.2.1.3).`);
    cas.push(it);
  }

  // Issuers by name and signature. A name match whose signature fails is a broken signature.
  const issuerOf = new Map<Item, Item | "self">();
  for (const it of cas) {
    if (bytesEqual(it.subjectDer, it.issuerDer)) {
      if (await signedBy(it.cert, it.cert)) issuerOf.set(it, "self");
      else fail("chain.signature", `The self-signature of ${it.label} does not verify: the certificate was altered or is damaged.`);
      continue;
    }
    const named = cas.filter((c) => c !== it && bytesEqual(c.subjectDer, it.issuerDer));
    let found: Item | undefined;
    for (const c of named) if (await signedBy(it.cert, c.cert)) found = c;
    if (found) issuerOf.set(it, found);
    else if (named.length) fail("chain.signature", `The signature of ${it.label} does not verify with the key of its issuer ${named[0].label}: the certificate was altered, or the issuer is another certificate with the same name.`);
    else fail("chain.build", `The chain does not build: the issuer of ${it.label}, "${safeName(it.issuerDer)}", is not in the upload. Add that CA certificate (up to the self-signed root).`);
  }
  const roots = cas.filter((c) => issuerOf.get(c) === "self");
  if (cas.length && !roots.length && !findings.some((f) => f.code === "chain.build" || f.code === "chain.signature")) {
    fail("chain.build", "The chain does not build to a self-signed root: add the root CA certificate.");
  }
  if (roots.length > 1) fail("chain.build", `The upload holds ${roots.length} root certificates (${roots.map((r) => r.label).join(", ")}); upload one chain, to one root.`);

  // The path: from the lowest CA (issuing no other) up to the root. Everything else is extra.
  const issues = (c: Item) => cas.some((o) => issuerOf.get(o) === c);
  const pathFrom = (start: Item): Item[] => {
    const path: Item[] = [start];
    for (let cur = start; ; ) {
      const up = issuerOf.get(cur);
      if (!up || up === "self" || path.includes(up)) break;
      path.push(up);
      cur = up;
    }
    return path;
  };
  let path: Item[] = [];
  for (const low of cas.filter((c) => !issues(c))) {
    const p = pathFrom(low);
    if (issuerOf.get(p[p.length - 1]) === "self" && p.length > path.length) path = p;
  }
  if (path.length) {
    const extra = cas.filter((c) => !path.includes(c));
    for (const x of extra) fail("chain.extra", `${x.label} is not part of the chain ${path.map((p) => `"${p.subject}"`).join(" → ")}; upload one chain only (a PKCS#7 bundle with other certificates in it is refused).`);
    // pathLenConstraint: the number of CAs below each one (RFC 5280 §4.2.1.9).
    path.forEach((c, i) => {
      const pl = basicConstraints(c.cert)?.pathLen;
      if (pl !== undefined && i > pl) fail("ca.path-length", `${c.label} allows ${pl} CA certificate(s) below it (pathLenConstraint), but ${i} follow in this chain.`);
    });
  }

  // Validity, keys and hashes, revocation: for every CA certificate.
  const minEnd = new Date(now.getTime() + policy.minValidityDays * DAY);
  const checkCommon = (it: Item, root: boolean) => {
    const nb = it.cert.notBefore.value;
    const na = it.cert.notAfter.value;
    if (na.getTime() <= now.getTime()) fail("cert.expired", `${it.label} expired on ${na.toISOString().slice(0, 10)}.`);
    else if (nb.getTime() > now.getTime()) fail("cert.not-yet-valid", `${it.label} is not valid before ${nb.toISOString()}.`);
    else if (na.getTime() < minEnd.getTime()) fail("cert.validity-left", `${it.label} expires on ${na.toISOString().slice(0, 10)}, in less than the ${policy.minValidityDays} days this environment requires; upload a renewed chain.`);
    const key = describeKey(it.cert);
    if (key.problem) fail("key.strength", `${it.label}: ${key.problem}.`);
    else {
      const s = inspectSpki(spkiDer(it.cert));
      if (s.algorithm === "rsa" && s.bits < policy.minRsaBits) fail("key.strength", `${it.label} has an RSA-${s.bits} key; at least RSA-${policy.minRsaBits} is required.`);
      if (s.algorithm === "ec" && !policy.curves.includes(key.text.slice(3))) fail("key.strength", `${it.label} uses curve ${key.text.slice(3)}; allowed: ${policy.curves.join(", ")}.`);
    }
    const alg = SIGNATURE_HASH[it.cert.signatureAlgorithm.algorithmId];
    if (!alg) fail("signature.algorithm", `${it.label} is signed with algorithm ${it.cert.signatureAlgorithm.algorithmId}, which Keyport does not accept (RSA PKCS#1 v1.5 or ECDSA with SHA-256/384/512).`);
    else if (!alg.strong) {
      // A root's self-signature protects nothing (it is trusted as given); a weak hash there is only a warning.
      if (root) warn("signature.hash", `${it.label} is self-signed with ${alg.hash} (${alg.name}); a root's own signature is not relied upon, but consider a re-issued root.`);
      else fail("signature.hash", `${it.label} is signed with ${alg.hash} (${alg.name}); SHA-256 or stronger is required.`);
    }
    if (params.isRevoked?.(it.fingerprint)) fail("cert.revoked", `${it.label} is revoked (Keyport's records); it cannot be trusted.`);
  };
  for (const it of cas) checkCommon(it, issuerOf.get(it) === "self");

  // The server certificate.
  let serverItem: Item | null = null;
  let hosts: string[] = [];
  if (server) {
    const subjectDer = nameDer(server.cert.subject);
    serverItem = { ...server, subjectDer, issuerDer: nameDer(server.cert.issuer), subject: safeName(subjectDer), label: `server certificate "${safeName(subjectDer)}"`, fingerprint: await sha256Hex(server.der) };
    const s = serverItem;
    if (basicConstraints(s.cert)?.cA) fail("server.not-ca", `The ${s.label} is a CA certificate; give your server's own certificate here.`);
    const lowest = path[0];
    if (lowest && !bytesEqual(s.issuerDer, lowest.subjectDer)) fail("server.chain", `The ${s.label} is issued by "${safeName(s.issuerDer)}", not by the chain's lowest CA "${lowest.subject}".`);
    else if (lowest && !(await signedBy(s.cert, lowest.cert))) fail("server.chain", `The signature of the ${s.label} does not verify with the key of "${lowest.subject}".`);
    const eku = extension(s.cert, OID.extKeyUsage)?.parsedValue as pkijs.ExtKeyUsage | undefined;
    if (eku && !eku.keyPurposes.includes(OID.serverAuth) && !eku.keyPurposes.includes(OID.anyEku)) fail("server.eku", `The ${s.label} may not be used for TLS servers: its extendedKeyUsage lacks serverAuth.`);
    hosts = hostsOf(s.cert);
    if (!hosts.length) fail("server.names", `The ${s.label} names no host in subjectAltName (DNS or IP); TLS clients check the host against it (RFC 6125).`);
    checkCommon(s, false);
  }

  const accepted = !findings.some((f) => f.result === "fail");
  const chainDer = path.map((p) => new Uint8Array(p.cert.toSchema(false).toBER(false)));
  const serverDer = serverItem ? new Uint8Array(serverItem.cert.toSchema(false).toBER(false)) : null;
  const summary = (it: Item, role: ChainCertificateSummary["role"]): ChainCertificateSummary => ({
    role,
    subject: it.subject,
    issuer: safeName(it.issuerDer),
    serialHex: toHex(it.cert.serialNumber.valueBlock.valueHexView).toUpperCase(),
    notBefore: it.cert.notBefore.value,
    notAfter: it.cert.notAfter.value,
    sha256Fingerprint: it.fingerprint,
    key: describeKey(it.cert).text,
  });
  const certificates = [...(serverItem ? [summary(serverItem, "server")] : []), ...path.map((p) => summary(p, issuerOf.get(p) === "self" ? "root" : "intermediate"))];
  const ends = [...path, ...(serverItem ? [serverItem] : [])].map((p) => p.cert.notAfter.value.getTime());
  if (accepted) {
    findings.push({ code: "chain.valid", result: "pass", message: `The chain builds: ${[...(serverItem ? [serverItem] : []), ...path].map((p) => `"${p.subject}"`).join(" → ")}; every signature verifies.` });
  }
  return { findings, accepted, chainDer, serverDer, certificates, hosts, notAfter: ends.length ? new Date(Math.min(...ends)) : null };
}

function safeName(der: Uint8Array): string {
  try {
    return nameToString(der) || "(empty name)";
  } catch {
    return "(unreadable name)";
  }
}

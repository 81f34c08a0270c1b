// Worst-case CSR shapes for bench/abuse.ts: each as large or as deep as a 64 KiB submission
// allows. Built with a minimal DER writer (X.690 §8.1: tag, definite length, content) — a
// bench fixture, not a parser — and, where the shape should reach the named checks, signed for
// real with a P-256 key so that nothing short-circuits at the signature.
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";

const bytes = (...parts: (Uint8Array | number[])[]) => Buffer.concat(parts.map((p) => Buffer.from(p)));

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return Buffer.from([0x80 | out.length, ...out]);
}

export const tlv = (tag: number, ...content: (Uint8Array | number[])[]) => {
  const body = bytes(...content);
  return bytes([tag], length(body.length), body);
};
const seq = (...c: (Uint8Array | number[])[]) => tlv(0x30, ...c);
const set = (...c: (Uint8Array | number[])[]) => tlv(0x31, ...c);
const oid = (...encoded: number[]) => tlv(0x06, encoded);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, "utf8"));
const positiveInteger = (magnitude: Uint8Array) => tlv(0x02, magnitude[0] & 0x80 ? [0, ...magnitude] : magnitude);

const OID = {
  cn: oid(0x55, 0x04, 0x03),
  o: oid(0x55, 0x04, 0x0a),
  rsaEncryption: oid(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01),
  sha224WithRsa: oid(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0e),
  sha256WithRsa: oid(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b),
  ecdsaSha256: oid(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02),
  extensionRequest: oid(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x0e),
  subjectAltName: oid(0x55, 0x1d, 0x11),
};
const NULL = [0x05, 0x00];

const rdn = (type: Buffer, value: Buffer) => set(seq(type, value));
const name = (...rdns: Buffer[]) => seq(...rdns);
const standardSubject = () => name(rdn(OID.o, utf8("Acme Payments AS")), rdn(OID.cn, utf8("abuse.acme.test")));

function requestInfo(subject: Buffer, spki: Uint8Array, attributes: Buffer = Buffer.alloc(0)) {
  return seq(tlv(0x02, [0]), subject, spki, tlv(0xa0, attributes));
}

const ecKey = () => generateKeyPairSync("ec", { namedCurve: "P-256" });

/** A request info with a fresh P-256 key, signed for real with ecdsa-with-SHA256: the server verifies it and runs every check. */
function signedEc(subject: Buffer, attributes?: Buffer): Buffer {
  const key = ecKey();
  const info = requestInfo(subject, key.publicKey.export({ type: "spki", format: "der" }), attributes);
  return seq(info, seq(OID.ecdsaSha256), tlv(0x03, [0], sign("sha256", info, key.privateKey)));
}

function rsaSpki(modulusBytes: number, exponentBytes: number): Buffer {
  const n = randomBytes(modulusBytes);
  n[0] |= 0x80;
  n[n.length - 1] |= 1;
  const e = randomBytes(exponentBytes);
  e[0] |= 0x80;
  e[e.length - 1] |= 1;
  return seq(seq(OID.rsaEncryption, NULL), tlv(0x03, [0], seq(positiveInteger(n), positiveInteger(e))));
}

/** An RSA "CSR" with a random modulus and exponent and a junk signature of the modulus's size. */
function rsaShape(modulusBytes: number, exponentBytes: number, algorithm: Buffer): Buffer {
  const info = requestInfo(standardSubject(), rsaSpki(modulusBytes, exponentBytes));
  return seq(info, seq(algorithm, NULL), tlv(0x03, [0], randomBytes(modulusBytes)));
}

const pem = (der: Buffer) => `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64").replace(/.{64}/g, "$&\n")}\n-----END CERTIFICATE REQUEST-----\n`;

/** The largest n such that make(n)'s PEM stays within `limit` bytes (make grows with n). */
function largestFitting(make: (n: number) => Buffer, limit: number, lo = 1, hi = 1 << 16): number {
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (pem(make(mid)).length <= limit) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export type AbuseShape = { name: string; pem: string; derBytes: number };

/** The shapes, each within `limit` bytes of PEM (the CSR intake limit is 64 KiB). */
export function abuseShapes(limit = 64 * 1024 - 64): AbuseShape[] {
  const shapes: [string, Buffer][] = [];
  // The reported attack: sha224WithRSAEncryption, 16384-bit modulus and exponent (~6 KB).
  shapes.push(["RSA n=16384 e=16384 bits, sha224", rsaShape(2048, 2048, OID.sha224WithRsa)]);
  shapes.push(["RSA n=8192 e=8192 bits, sha256", rsaShape(1024, 1024, OID.sha256WithRsa)]);
  shapes.push(["RSA n=16384 e=65536 bits, sha224", rsaShape(2048, 8192, OID.sha224WithRsa)]);
  // The largest modulus and exponent a 64 KiB PEM holds, half each.
  const half = largestFitting((n) => rsaShape(n, n, OID.sha256WithRsa), limit, 1, 40_000);
  shapes.push([`RSA n=e=${half * 8} bits (fills 64 KiB), sha256`, rsaShape(half, half, OID.sha256WithRsa)]);
  // Deepest nesting: a CN value that is SEQUENCE { SEQUENCE { ... } }, as deep as fits.
  const nested = (depth: number) => {
    let v: Buffer = Buffer.from([0x05, 0x00]);
    for (let i = 0; i < depth; i++) v = seq(v);
    return signedEc(name(rdn(OID.cn, v)));
  };
  const depth = largestFitting(nested, limit, 1, 20_000);
  shapes.push([`subject nested ${depth} deep`, nested(depth)]);
  // Most RDNs, each a short CN; signed, so every check runs over all of them.
  const manyRdns = (n: number) =>
    signedEc(name(...Array.from({ length: n }, (_, i) => rdn(OID.cn, utf8(`a${i}`)))));
  const rdns = largestFitting(manyRdns, limit, 1, 10_000);
  shapes.push([`${rdns} RDNs`, manyRdns(rdns)]);
  // Most SANs: one subjectAltName extension of dNSNames.
  const manySans = (n: number) => {
    const names = seq(...Array.from({ length: n }, (_, i) => tlv(0x82, Buffer.from(`h${i}.acme.test`))));
    const ext = seq(seq(OID.subjectAltName, tlv(0x04, names)));
    const attributes = seq(OID.extensionRequest, set(ext));
    return signedEc(standardSubject(), attributes);
  };
  const sans = largestFitting(manySans, limit, 1, 10_000);
  shapes.push([`${sans} SANs`, manySans(sans)]);
  return shapes.map(([n, der]) => ({ name: n, pem: pem(der), derBytes: der.length }));
}

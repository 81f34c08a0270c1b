// What a partner uploads as its server CA chain: a PEM bundle, one DER certificate, or a PKCS#7
// certs-only bundle (DER or PEM). Read into a list of certificates with pkijs; anything that is not
// a certificate (a private key, a CSR, unknown PEM blocks) is a finding, never silently dropped.
// Pure: no database, no Node-only APIs.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { pemDecodeAll, base64Decode, toArrayBuffer } from "../pem";
import type { ChainFinding } from "./findings";

/** A chain upload is a few certificates: 64 KiB and 12 certificates are far above any real one. */
export const MAX_CHAIN_INPUT_BYTES = 64 * 1024;
export const MAX_CHAIN_CERTIFICATES = 12;

export type ReadCertificate = { der: Uint8Array; cert: pkijs.Certificate; source: string };
export type ChainInput = { certificates: ReadCertificate[]; findings: ChainFinding[]; container: "pem" | "der" | "pkcs7" | "empty" };

const OID_SIGNED_DATA = "1.2.840.113549.1.7.2";
const fail = (code: string, message: string): ChainFinding => ({ code, result: "fail", message });

function parseCertificate(der: Uint8Array): pkijs.Certificate | null {
  try {
    const asn = asn1js.fromBER(toArrayBuffer(der));
    if (asn.offset === -1 || asn.offset !== der.length) return null;
    return new pkijs.Certificate({ schema: asn.result });
  } catch {
    return null;
  }
}

/** PKCS#7 SignedData's certificates, read with pkijs; null when it is not a ContentInfo of SignedData. */
function parsePkcs7(der: Uint8Array): pkijs.Certificate[] | null {
  try {
    const asn = asn1js.fromBER(toArrayBuffer(der));
    if (asn.offset === -1 || asn.offset !== der.length) return null;
    const ci = new pkijs.ContentInfo({ schema: asn.result });
    if (ci.contentType !== OID_SIGNED_DATA) return null;
    const sd = new pkijs.SignedData({ schema: ci.content });
    return (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  } catch {
    return null;
  }
}

/**
 * Does this DER look like a private key? PKCS#8 PrivateKeyInfo (version INTEGER, AlgorithmIdentifier,
 * OCTET STRING), EncryptedPrivateKeyInfo (AlgorithmIdentifier, OCTET STRING), PKCS#1 RSAPrivateKey
 * (INTEGER 0 and eight more INTEGERs) or SEC 1 ECPrivateKey (INTEGER 1, OCTET STRING).
 */
function looksLikePrivateKey(der: Uint8Array): boolean {
  try {
    const asn = asn1js.fromBER(toArrayBuffer(der));
    if (asn.offset === -1 || !(asn.result instanceof asn1js.Sequence)) return false;
    const v = asn.result.valueBlock.value;
    if (v.length >= 3 && v[0] instanceof asn1js.Integer && v[1] instanceof asn1js.Sequence && v[2] instanceof asn1js.OctetString) return true;
    if (v.length === 2 && v[0] instanceof asn1js.Sequence && v[1] instanceof asn1js.OctetString) return true;
    if (v.length === 9 && v.every((x) => x instanceof asn1js.Integer)) return true;
    if (v.length >= 2 && v[0] instanceof asn1js.Integer && v[0].valueBlock.valueDec === 1 && v[1] instanceof asn1js.OctetString) return true;
    return false;
  } catch {
    return false;
  }
}

const PRIVATE_KEY_MESSAGE =
  "The upload contains a private key. Never send a private key: remove it, and treat that key as compromised if it left your systems. Upload only CA certificates (and, optionally, your server certificate).";

function readDer(der: Uint8Array, where: string, out: ChainInput): void {
  const p7 = parsePkcs7(der);
  if (p7) {
    out.container = "pkcs7";
    if (!p7.length) out.findings.push(fail("input.pkcs7-empty", `The PKCS#7 bundle (${where}) holds no certificates.`));
    p7.forEach((cert, i) => out.certificates.push({ der: new Uint8Array(cert.toSchema().toBER(false)), cert, source: `${where}, certificate ${i + 1}` }));
    return;
  }
  const cert = parseCertificate(der);
  if (cert) {
    out.certificates.push({ der, cert, source: where });
    return;
  }
  if (looksLikePrivateKey(der)) out.findings.push(fail("input.private-key", PRIVATE_KEY_MESSAGE));
  else out.findings.push(fail("input.unreadable", `${where} is not an X.509 certificate or a PKCS#7 bundle of certificates.`));
}

/** Read an upload (text or bytes) into certificates and findings. Bounded before any parsing. */
export function readChainInput(input: string | Uint8Array): ChainInput {
  const out: ChainInput = { certificates: [], findings: [], container: "empty" };
  const size = typeof input === "string" ? new TextEncoder().encode(input).length : input.length;
  if (size > MAX_CHAIN_INPUT_BYTES) {
    out.findings.push({ code: "input.size", result: "fail", message: `The upload is ${size} bytes; at most ${MAX_CHAIN_INPUT_BYTES} bytes (64 KiB) are accepted.` });
    return out;
  }
  let text: string | null = typeof input === "string" ? input : null;
  if (typeof input !== "string") {
    const head = new TextDecoder("latin1").decode(input.subarray(0, Math.min(input.length, 4096)));
    if (head.includes("-----BEGIN ")) text = new TextDecoder("utf-8").decode(input);
  }
  if (text !== null) {
    if (!text.trim()) {
      out.findings.push(fail("input.empty", "Paste your CA chain (PEM) or choose a file (PEM, DER or PKCS#7)."));
      return out;
    }
    const blocks = pemDecodeAll(text);
    if (!blocks.length) {
      const der = base64Decode(text);
      if (der && der.length) {
        out.container = "der";
        readDer(der, "The base64 text", out);
      } else out.findings.push(fail("input.unreadable", "No PEM block (-----BEGIN CERTIFICATE-----) was found, and the text is not base64 DER."));
      return out;
    }
    out.container = "pem";
    blocks.forEach((b, i) => {
      const where = `PEM block ${i + 1} (${b.label})`;
      if (/PRIVATE KEY/.test(b.label)) out.findings.push(fail("input.private-key", PRIVATE_KEY_MESSAGE));
      else if (!b.valid) out.findings.push(fail("input.unreadable", `${where} is damaged: its base64 body does not decode, or its END label differs.`));
      else if (b.label === "CERTIFICATE") {
        const cert = parseCertificate(b.der);
        if (cert) out.certificates.push({ der: b.der, cert, source: where });
        else out.findings.push(fail("input.unreadable", `${where} is labelled CERTIFICATE but is not an X.509 certificate.`));
      } else if (b.label === "PKCS7" || b.label === "CMS") {
        readDer(b.der, where, out);
        out.container = "pem";
      } else if (/CERTIFICATE REQUEST/.test(b.label)) {
        out.findings.push(fail("input.csr", `${where} is a certificate signing request. Here Keyport needs the CA certificates your servers' certificates chain to.`));
      } else out.findings.push(fail("input.unexpected-block", `${where} is not a certificate. Upload only CERTIFICATE or PKCS7 blocks.`));
    });
  } else {
    out.container = "der";
    readDer(input as Uint8Array, "The file", out);
  }
  if (out.certificates.length > MAX_CHAIN_CERTIFICATES) {
    out.findings.push(fail("input.too-many", `The upload holds ${out.certificates.length} certificates; a CA chain here has at most ${MAX_CHAIN_CERTIFICATES}.`));
    out.certificates = [];
  }
  return out;
}

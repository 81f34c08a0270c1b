// The provider's CSR signed by a partner's CA (issue 17, item 3): is the certificate the partner
// uploaded the one Keyport asked for? It must carry the CSR's public key and subject, be an end-entity
// certificate for clientAuth, be issued by a CA of the partner's endorsed server CA chain (signature
// verified with that CA's key, and that CA's path to the root is the endorsed one), and be valid now
// and for at least the environment's minimum. Every finding says what to fix. Pure: bytes in, findings out.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { nameToString } from "../cert/name";
import { verifySignature } from "../cert/signer";
import { toArrayBuffer, toHex } from "../pem";
import type { ChainFinding } from "./findings";
import type { ChainInput } from "./read-chain-input";

const DAY = 86_400_000;
const OID = { basicConstraints: "2.5.29.19", extKeyUsage: "2.5.29.37", clientAuth: "1.3.6.1.5.5.7.3.2" };

export type SignedCertificateCheck = {
  findings: ChainFinding[];
  accepted: boolean;
  /** The end-entity certificate, re-encoded (pkijs, DER). */
  certDer: Uint8Array | null;
  serialHex: string | null;
  sha256Fingerprint: string | null;
  issuer: string | null;
  notBefore: Date | null;
  notAfter: Date | null;
};

const bytesEqual = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const der = (s: { toSchema: (...a: never[]) => asn1js.AsnType }) => new Uint8Array(s.toSchema().toBER(false));
const safeName = (d: Uint8Array) => {
  try {
    return nameToString(d);
  } catch {
    return "(unreadable name)";
  }
};
const isCa = (c: pkijs.Certificate) => !!(c.extensions?.find((e) => e.extnID === OID.basicConstraints)?.parsedValue as pkijs.BasicConstraints | undefined)?.cA;

async function signedBy(child: pkijs.Certificate, issuer: pkijs.Certificate): Promise<boolean> {
  try {
    return await verifySignature(der(issuer.subjectPublicKeyInfo), child.signatureAlgorithm.algorithmId, new Uint8Array(child.tbsView), new Uint8Array(child.signatureValue.valueBlock.valueHexView));
  } catch {
    return false;
  }
}

/**
 * Check an upload (already read by readChainInput) against the CSR Keyport made and the partner's
 * endorsed chain (DER, issuing CA first, root last). Extra CA certificates in the upload are allowed
 * only when they are certificates of that endorsed chain.
 */
export async function checkSignedCertificate(params: {
  input: ChainInput;
  csr: { subjectDer: Uint8Array; spkiDer: Uint8Array };
  endorsedChainDer: readonly Uint8Array[];
  minValidityDays: number;
  now?: Date;
}): Promise<SignedCertificateCheck> {
  const now = params.now ?? new Date();
  const findings: ChainFinding[] = [...params.input.findings];
  const fail = (code: string, message: string) => findings.push({ code, result: "fail", message });
  const out: SignedCertificateCheck = { findings, accepted: false, certDer: null, serialHex: null, sha256Fingerprint: null, issuer: null, notBefore: null, notAfter: null };
  if (findings.some((f) => f.result === "fail")) return out;

  const chain = params.endorsedChainDer.map((d) => pkijs.Certificate.fromBER(toArrayBuffer(d)));
  const leaves = params.input.certificates.filter((c) => !isCa(c.cert));
  for (const c of params.input.certificates.filter((c) => isCa(c.cert))) {
    if (!params.endorsedChainDer.some((d) => bytesEqual(d, new Uint8Array(c.cert.toSchema(false).toBER(false))) || bytesEqual(d, c.der))) {
      fail("signed.extra", `${c.source} ("${safeName(der(c.cert.subject))}") is a CA certificate that is not part of your endorsed server CA chain; upload only the signed certificate.`);
    }
  }
  if (!leaves.length) fail("signed.missing", "The upload holds no end-entity certificate: upload the certificate your CA issued for the provider's CSR.");
  if (leaves.length > 1) fail("signed.count", `The upload holds ${leaves.length} end-entity certificates; upload only the one issued for this CSR.`);
  if (leaves.length !== 1) return out;

  const leaf = leaves[0].cert;
  const leafDer = new Uint8Array(leaf.toSchema(false).toBER(false));
  const spki = der(leaf.subjectPublicKeyInfo);
  if (!bytesEqual(spki, params.csr.spkiDer)) fail("signed.key", "The certificate carries another public key than the provider's CSR: sign the CSR you downloaded from Keyport, not another one.");
  const subjectDer = der(leaf.subject);
  // Compared as names, so a CA that re-encodes string types (PrintableString ↔ UTF8String) still matches.
  if (!bytesEqual(subjectDer, params.csr.subjectDer) && safeName(subjectDer) !== safeName(params.csr.subjectDer)) {
    fail("signed.subject", `The certificate's subject "${safeName(subjectDer)}" differs from the CSR's "${safeName(params.csr.subjectDer)}": keep the CSR's subject unchanged when you sign it.`);
  }

  const issuerDer = der(leaf.issuer);
  const idx = chain.findIndex((c) => bytesEqual(der(c.subject), issuerDer));
  if (idx < 0) fail("signed.chain", `The certificate is issued by "${safeName(issuerDer)}", which is not a CA of your endorsed server CA chain (${chain.map((c) => `"${safeName(der(c.subject))}"`).join(" → ")}). Sign with that chain's CA, or upload and have endorsed the chain of the CA you used.`);
  else if (!(await signedBy(leaf, chain[idx]))) fail("signed.signature", `The certificate's signature does not verify with the key of "${safeName(issuerDer)}" in your endorsed chain: it was altered, or signed by another CA of the same name.`);

  const eku = leaf.extensions?.find((e) => e.extnID === OID.extKeyUsage)?.parsedValue as pkijs.ExtKeyUsage | undefined;
  if (!eku) fail("signed.eku", "The certificate has no extendedKeyUsage extension; it must assert clientAuth (1.3.6.1.5.5.7.3.2) for the provider's TLS client.");
  else if (!eku.keyPurposes.includes(OID.clientAuth)) fail("signed.eku", "The certificate's extendedKeyUsage lacks clientAuth (1.3.6.1.5.5.7.3.2): the provider's TLS client may not use it.");

  const nb = leaf.notBefore.value;
  const na = leaf.notAfter.value;
  if (na.getTime() <= now.getTime()) fail("signed.expired", `The certificate expired on ${na.toISOString().slice(0, 10)}.`);
  else if (nb.getTime() > now.getTime()) fail("signed.not-yet-valid", `The certificate is not valid before ${nb.toISOString()}.`);
  else if (na.getTime() < now.getTime() + params.minValidityDays * DAY) fail("signed.validity", `The certificate expires on ${na.toISOString().slice(0, 10)}, in less than the ${params.minValidityDays} days this environment requires; sign it for longer.`);

  const fp = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", leafDer as Uint8Array<ArrayBuffer>));
  Object.assign(out, {
    certDer: leafDer,
    serialHex: toHex(leaf.serialNumber.valueBlock.valueHexView).toUpperCase(),
    sha256Fingerprint: toHex(fp, ":").toUpperCase(),
    issuer: safeName(issuerDer),
    notBefore: nb,
    notAfter: na,
  });
  out.accepted = !findings.some((f) => f.result === "fail");
  if (out.accepted) findings.push({ code: "signed.valid", result: "pass", message: `Issued by "${safeName(issuerDer)}" for the CSR's key and subject, clientAuth, valid until ${na.toISOString().slice(0, 10)}.` });
  return out;
}

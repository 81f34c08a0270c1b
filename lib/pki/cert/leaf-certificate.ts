// End-entity (partner client/server) certificates, RFC 5280 profile:
//   v3; basicConstraints CA:FALSE (critical); keyUsage digitalSignature (+ keyEncipherment for
//   RSA keys) (critical); extKeyUsage; SKI (method 1); AKI = issuer SKI; subjectAltName when
//   there are SANs; CRL distribution point and AIA caIssuers when configured.
//
// Speed: pkijs spends ~0.8 ms building ASN.1 objects per certificate, more than an RSA-2048
// signature takes. Here everything constant per issuer is pre-encoded in an IssuerTemplate and
// the TBSCertificate is written straight into one buffer; unit tests check that the bytes equal
// what pkijs produces for the same inputs.
import { EcPointError, curveByOid, decodeEcPoint } from "@/lib/pki/key/ec-curves";
import { PkiError } from "./errors";
import { TAG, contextConstructed, copyInto, headerSize, writeHeader } from "./der";
import { basicConstraintsExtension, encodeGeneralNames, extendedKeyUsageExtension, keyUsageExtension, KEY_USAGE, subjectAltNameExtension, subjectKeyIdExtension, type ExtendedKeyUsage, type SubjectAltNames } from "./extensions";
import { getIssuerTemplate, type IssuerTemplate } from "./issuer-template";
import { assertValidName, isEmptyName } from "./name";
import { assertValidSerial, serialToHex } from "./serial";
// SHA-1 only for identifiers (RFC 5280 §4.2.1.2 method 1 key identifiers, PKCS #12 localKeyId), never for signatures.
import { sha1 } from "@noble/hashes/legacy.js";
import { assembleSignedStructure, signWithTemplate } from "./sign-tbs";
import { inspectSpki, type Signer } from "./signer";
import { encodedTimeSize, resolveValidity, writeTime } from "./time";

export interface IssueLeafParams {
  /** The CSR's subject Name, byte for byte (RDN order and string types are kept as they are). */
  subjectDer: Uint8Array;
  /** The CSR's SubjectPublicKeyInfo DER. */
  spkiDer: Uint8Array;
  issuerCertDer: Uint8Array;
  signer: Signer;
  /** DER INTEGER content octets (see randomSerial). */
  serial: Uint8Array;
  notBefore: Date;
  /** Intended end of validity; lowered to the issuer's notAfter when it would outlive the issuer. */
  notAfter: Date;
  /** Must match spkiDer; decides keyUsage (RSA adds keyEncipherment). */
  keyType: "rsa" | "ec";
  extendedKeyUsage: ExtendedKeyUsage[];
  sans: SubjectAltNames;
  crlUrl?: string;
  caIssuersUrl?: string;
}

export interface IssuedCertificate {
  der: Uint8Array;
  /** Upper-case hex, as `openssl x509 -serial` prints it. */
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  /** The notAfter the caller asked for (seconds resolution). */
  requestedNotAfter: Date;
  /** True when notAfter was lowered to the issuer's notAfter (a certificate must not outlive its issuer). */
  notAfterClamped: boolean;
}

const VERSION_V3 = Uint8Array.of(0xa0, 0x03, 0x02, 0x01, 0x02);
const LEAF_BASIC_CONSTRAINTS = basicConstraintsExtension(false);
const LEAF_KEY_USAGE = {
  // RSA keys may also transport keys (TLS ≤ 1.2 RSA key exchange); EC keys only sign.
  rsa: keyUsageExtension([KEY_USAGE.digitalSignature, KEY_USAGE.keyEncipherment]),
  ec: keyUsageExtension([KEY_USAGE.digitalSignature]),
};
const ekuCache = new Map<string, Uint8Array>();

function ekuExtension(usages: readonly ExtendedKeyUsage[]): Uint8Array {
  const key = usages.join(",");
  let der = ekuCache.get(key);
  if (!der) {
    der = extendedKeyUsageExtension(usages);
    if (ekuCache.size < 64) ekuCache.set(key, der);
  }
  return der;
}

/**
 * RFC 5480 §2.2: implementations SHOULD use the uncompressed form, and it is the only one every
 * relying party reads (Java's keytool refuses compressed points). Callers pass the canonical SPKI
 * (ParsedCsr.spkiDer); this refuses anything else rather than issue a certificate some peers cannot parse.
 */
function assertUncompressedPoint(curveOid: string | undefined, point: Uint8Array): void {
  const curve = curveOid ? curveByOid(curveOid) : undefined;
  if (!curve || point[0] !== 0x04) throw new PkiError("invalid_input", "The EC public key must be an uncompressed point on a named curve (RFC 5480 §2.2); pass the canonical SubjectPublicKeyInfo");
  try {
    decodeEcPoint(curve, point);
  } catch (e) {
    if (e instanceof EcPointError) throw new PkiError("invalid_input", `Invalid public key: ${e.message}`);
    throw e;
  }
}

/** Issues an end-entity certificate (see the profile above). */
export function issueLeafCertificate(params: IssueLeafParams): Promise<IssuedCertificate> {
  try {
    const template = getIssuerTemplate({ issuerCertDer: params.issuerCertDer, signer: params.signer, crlUrl: params.crlUrl, caIssuersUrl: params.caIssuersUrl });
    return issueLeafCertificateWithTemplate(template, params);
  } catch (e) {
    return Promise.reject(e);
  }
}

/** Same as issueLeafCertificate with an explicit template (its issuer, crlUrl and caIssuersUrl win over params). */
export async function issueLeafCertificateWithTemplate(template: IssuerTemplate, params: Omit<IssueLeafParams, "issuerCertDer" | "crlUrl" | "caIssuersUrl">): Promise<IssuedCertificate> {
  const { tbs, validity } = buildLeafTbs(template, params);
  const signature = await signWithTemplate(template, params.signer, tbs);
  return { der: assembleSignedStructure(tbs, template.signatureAlgorithmDer, signature), serialHex: serialToHex(params.serial), ...validity };
}

/** The unsigned TBSCertificate of a leaf (the pipeline's template stage: lints read it before anything is signed). */
export function buildLeafTbs(template: IssuerTemplate, params: Omit<IssueLeafParams, "issuerCertDer" | "crlUrl" | "caIssuersUrl" | "signer">): { tbs: Uint8Array; validity: ReturnType<typeof resolveValidity> } {
  const { subjectDer, spkiDer, serial } = params;
  assertValidSerial(serial);
  assertValidName(subjectDer, "subject name");
  const spki = inspectSpki(spkiDer);
  if (spki.algorithm !== params.keyType) throw new PkiError("invalid_input", `keyType is "${params.keyType}" but the public key is ${spki.algorithm.toUpperCase()}`);
  if (spki.algorithm === "rsa" && spki.bits < 2048) throw new PkiError("invalid_input", `RSA keys must have at least 2048 bits (this one has ${spki.bits})`);
  if (spki.algorithm === "ec") assertUncompressedPoint(spki.curveOid, spki.publicKeyBits);
  const validity = resolveValidity(params.notBefore, params.notAfter, template.issuerNotAfter);

  const emptySubject = isEmptyName(subjectDer);
  const generalNames = encodeGeneralNames(params.sans);
  if (emptySubject && !generalNames) throw new PkiError("invalid_input", "A certificate with an empty subject needs at least one subjectAltName");
  const extensions = [
    LEAF_BASIC_CONSTRAINTS,
    LEAF_KEY_USAGE[spki.algorithm],
    ekuExtension(params.extendedKeyUsage),
    subjectKeyIdExtension(sha1(spki.publicKeyBits)),
    template.authorityKeyIdDer,
  ];
  if (generalNames) extensions.push(subjectAltNameExtension(generalNames, emptySubject));
  extensions.push(template.trailingExtensionsDer);

  // Lengths, inside out.
  let extContent = 0;
  for (const e of extensions) extContent += e.length;
  const extSeq = headerSize(extContent) + extContent;
  const extWrapper = headerSize(extSeq) + extSeq;
  const timeLength = encodedTimeSize(validity.notBefore) + encodedTimeSize(validity.notAfter);
  const validityLength = headerSize(timeLength) + timeLength;
  const serialLength = headerSize(serial.length) + serial.length;
  const tbsContent =
    VERSION_V3.length +
    serialLength +
    template.signatureAlgorithmDer.length +
    template.issuerNameDer.length +
    validityLength +
    subjectDer.length +
    spkiDer.length +
    extWrapper;

  const tbs = new Uint8Array(headerSize(tbsContent) + tbsContent);
  let o = writeHeader(tbs, 0, TAG.SEQUENCE, tbsContent);
  o = copyInto(tbs, o, VERSION_V3);
  o = writeHeader(tbs, o, TAG.INTEGER, serial.length);
  o = copyInto(tbs, o, serial);
  o = copyInto(tbs, o, template.signatureAlgorithmDer);
  o = copyInto(tbs, o, template.issuerNameDer);
  o = writeHeader(tbs, o, TAG.SEQUENCE, timeLength);
  o = writeTime(tbs, o, validity.notBefore);
  o = writeTime(tbs, o, validity.notAfter);
  o = copyInto(tbs, o, subjectDer);
  o = copyInto(tbs, o, spkiDer);
  o = writeHeader(tbs, o, contextConstructed(3), extSeq);
  o = writeHeader(tbs, o, TAG.SEQUENCE, extContent);
  for (const e of extensions) o = copyInto(tbs, o, e);
  return { tbs, validity };
}

// CA certificates: Keyport's per-environment root (self-signed) and issuing CA. Built with
// pkijs — they are rare, so clarity beats speed here; signing still goes through the Signer.
//   root:    basicConstraints CA:TRUE (critical, no pathLen); keyUsage keyCertSign, cRLSign (critical); SKI
//   issuing: basicConstraints CA:TRUE pathLen 0 (critical); keyUsage digitalSignature, keyCertSign,
//            cRLSign (critical); SKI; AKI = root SKI; CRL distribution point / AIA when given
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { PkiError } from "./errors";
import { authorityKeyIdExtension, basicConstraintsExtension, keyUsageExtension, KEY_USAGE, subjectKeyIdExtension } from "./extensions";
import { createIssuerTemplate } from "./issuer-template";
import type { IssuedCertificate } from "./leaf-certificate";
import { signWithTemplate } from "./sign-tbs";
import { assertValidName, buildName, isEmptyName, type SimpleName } from "./name";
import { assertValidSerial, serialToHex } from "./serial";
// SHA-1 only for identifiers (RFC 5280 §4.2.1.2 method 1 key identifiers, PKCS #12 localKeyId), never for signatures.
import { sha1 } from "@noble/hashes/legacy.js";
import { caKeyTypeOfSpki, encodeSignatureAlgorithm, inspectSpki, signerAlgorithm, verifySignature, type Signer } from "./signer";
import { resolveValidity, truncateToSeconds, usesUtcTime } from "./time";
import { toArrayBuffer } from "../pem";

export interface BuildCaCertificateParams {
  /** Subject as C/O/CN (one attribute per RDN); or pass subjectDer. */
  subject?: SimpleName;
  /** Subject Name DER, used verbatim. */
  subjectDer?: Uint8Array;
  /** The new CA's public key. */
  spkiDer: Uint8Array;
  /** "self" for a root; otherwise the parent CA certificate (whose key the signer holds). */
  issuer: "self" | { certDer: Uint8Array };
  /** Holds the root's own key for "self", else the parent CA's key. */
  signer: Signer;
  serial: Uint8Array;
  notBefore: Date;
  /** Clamped to the parent's notAfter for a subordinate CA. */
  notAfter: Date;
  /** pathLenConstraint. Default: absent for a root, 0 for a subordinate CA. */
  pathLength?: number;
  /** Subordinate CAs only: where the parent's CRL is published. */
  crlUrl?: string;
  /** Subordinate CAs only: where the parent's certificate can be fetched. */
  caIssuersUrl?: string;
}


export async function buildCaCertificate(params: BuildCaCertificateParams): Promise<IssuedCertificate> {
  const { spkiDer, signer, serial, issuer } = params;
  assertValidSerial(serial);
  if ((params.subject === undefined) === (params.subjectDer === undefined)) throw new PkiError("invalid_input", "Give either subject or subjectDer");
  const subjectDer = params.subjectDer ?? buildName(params.subject as SimpleName);
  assertValidName(subjectDer);
  if (isEmptyName(subjectDer)) throw new PkiError("invalid_input", "A CA certificate needs a non-empty subject (RFC 5280 §4.1.2.6)");
  if (params.pathLength !== undefined && (!Number.isInteger(params.pathLength) || params.pathLength < 0 || params.pathLength > 255)) {
    throw new PkiError("invalid_input", "pathLength must be an integer between 0 and 255");
  }
  const alg = signerAlgorithm(signer);
  const keyId = sha1(inspectSpki(spkiDer).publicKeyBits);
  const isRoot = issuer === "self";
  if (isRoot && (params.crlUrl !== undefined || params.caIssuersUrl !== undefined)) {
    throw new PkiError("invalid_input", "A self-signed root has no issuer CRL or caIssuers location");
  }
  if (isRoot && caKeyTypeOfSpki(spkiDer) !== signer.keyType) {
    throw new PkiError("signer_mismatch", `A self-signed root must be signed by its own key; the signer holds a ${signer.keyType} key`);
  }
  const template = isRoot ? undefined : createIssuerTemplate({ issuerCertDer: issuer.certDer, signer, crlUrl: params.crlUrl, caIssuersUrl: params.caIssuersUrl });
  const validity = template
    ? resolveValidity(params.notBefore, params.notAfter, template.issuerNotAfter)
    : resolveValidity(params.notBefore, params.notAfter, truncateToSeconds(new Date(253402300799000))); // 9999-12-31T23:59:59Z
  const pathLength = params.pathLength ?? (isRoot ? undefined : 0);

  const extensions = [
    basicConstraintsExtension(true, pathLength),
    keyUsageExtension(isRoot ? [KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign] : [KEY_USAGE.digitalSignature, KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign]),
    subjectKeyIdExtension(keyId),
  ];
  if (template) extensions.push(authorityKeyIdExtension(template.issuerKeyId));
  if (template) extensions.push(...template.trailingExtensions);

  const signatureAlgorithm = pkijs.AlgorithmIdentifier.fromBER(toArrayBuffer(encodeSignatureAlgorithm(alg.oid)));
  const cert = new pkijs.Certificate({
    version: 2,
    serialNumber: new asn1js.Integer({ valueHex: toArrayBuffer(serial) }),
    signature: signatureAlgorithm,
    // fromBER keeps the original bytes, so the issuer Name is copied verbatim.
    issuer: pkijs.RelativeDistinguishedNames.fromBER(toArrayBuffer(template ? template.issuerNameDer : subjectDer)),
    notBefore: new pkijs.Time({ type: usesUtcTime(validity.notBefore) ? 0 : 1, value: validity.notBefore }),
    notAfter: new pkijs.Time({ type: usesUtcTime(validity.notAfter) ? 0 : 1, value: validity.notAfter }),
    subject: pkijs.RelativeDistinguishedNames.fromBER(toArrayBuffer(subjectDer)),
    subjectPublicKeyInfo: pkijs.PublicKeyInfo.fromBER(toArrayBuffer(spkiDer)),
    extensions: extensions.map((e) => pkijs.Extension.fromBER(toArrayBuffer(e))),
    signatureAlgorithm: pkijs.AlgorithmIdentifier.fromBER(toArrayBuffer(encodeSignatureAlgorithm(alg.oid))),
  });
  const tbs = new Uint8Array(cert.encodeTBS().toBER(false));
  let signature: Uint8Array;
  if (template) {
    signature = await signWithTemplate(template, signer, tbs);
  } else {
    signature = await signer.sign(tbs);
    if (!(await verifySignature(spkiDer, alg.oid, tbs, signature))) {
      throw new PkiError("signer_mismatch", "The self-signature does not verify with the root's public key: the signer holds another key");
    }
  }
  cert.tbsView = tbs;
  cert.signatureValue = new asn1js.BitString({ valueHex: toArrayBuffer(signature) });
  return { der: new Uint8Array(cert.toSchema(false).toBER(false)), serialHex: serialToHex(serial), ...validity };
}

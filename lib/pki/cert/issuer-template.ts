// Everything about an issuing CA that is the same for every certificate it signs, encoded
// once: issuer Name (the CA certificate's subject bytes, verbatim), signature
// AlgorithmIdentifier, AKI, CRL distribution point and AIA. Issuance then only writes the
// per-certificate fields around these pieces (see leaf-certificate.ts).
import { PkiError } from "./errors";
import { bytesEqual, concat } from "./der";
import { authorityInfoAccessExtension, authorityKeyIdExtension, crlDistributionPointsExtension, KEY_USAGE } from "./extensions";
import { readBasicConstraints, readKeyUsageBits, readSubjectKeyId, splitCertificate } from "./certificate-der";
import { OID } from "@/lib/pki/oids";
// SHA-1 only for identifiers (RFC 5280 §4.2.1.2 method 1 key identifiers, PKCS #12 localKeyId), never for signatures.
import { sha1 } from "@noble/hashes/legacy.js";
import { caKeyTypeOfSpki, encodeSignatureAlgorithm, inspectSpki, signerAlgorithm, type CaKeyType, type Signer } from "./signer";

export interface IssuerTemplate {
  readonly issuerCertDer: Uint8Array;
  /** The issuer certificate's subject, byte for byte: the issuer field of everything it signs. */
  readonly issuerNameDer: Uint8Array;
  readonly issuerSpkiDer: Uint8Array;
  /** The issuer's subjectKeyIdentifier (or, when it has none, the RFC 5280 method-1 id of its key). */
  readonly issuerKeyId: Uint8Array;
  readonly issuerNotBefore: Date;
  readonly issuerNotAfter: Date;
  readonly keyType: CaKeyType;
  readonly signatureAlgorithmOid: string;
  /** DER AlgorithmIdentifier, used in TBSCertificate.signature and Certificate.signatureAlgorithm. */
  readonly signatureAlgorithmDer: Uint8Array;
  /** DER Extension: authorityKeyIdentifier { keyIdentifier }. */
  readonly authorityKeyIdDer: Uint8Array;
  /** DER Extensions appended after the per-certificate ones: CRL distribution point, then AIA (when configured). */
  readonly trailingExtensions: readonly Uint8Array[];
  /** The same, concatenated. */
  readonly trailingExtensionsDer: Uint8Array;
  readonly crlUrl?: string;
  readonly caIssuersUrl?: string;
  /** Signers whose output has been verified against issuerSpkiDer once. */
  readonly verifiedSigners: WeakSet<Signer>;
}

export interface IssuerTemplateParams {
  issuerCertDer: Uint8Array;
  signer: Signer;
  /** CRL distribution point written into issued certificates. */
  crlUrl?: string;
  /** AIA caIssuers URL (where the issuer certificate can be fetched). */
  caIssuersUrl?: string;
  /** What the template will sign: certificates need keyCertSign, CRLs cRLSign. Default "certificates". */
  purpose?: "certificates" | "crls";
}

export function createIssuerTemplate(params: IssuerTemplateParams): IssuerTemplate {
  const { issuerCertDer, signer, crlUrl, caIssuersUrl } = params;
  const alg = signerAlgorithm(signer);
  const parts = splitCertificate(issuerCertDer);
  const keyType = caKeyTypeOfSpki(parts.spki);
  if (keyType !== signer.keyType) {
    throw new PkiError("signer_mismatch", `The signer holds a ${signer.keyType} key but the issuer certificate's key is ${keyType ?? "of another type"}`);
  }
  const ext = (oid: string) => parts.extensions.find((e) => e.oid === oid);
  const bc = ext(OID.basicConstraints);
  if (!bc || !readBasicConstraints(bc.value).cA) throw new PkiError("issuer_unusable", "The issuer certificate is not a CA certificate (basicConstraints cA is not set)");
  const ku = ext(OID.keyUsage);
  const needed = params.purpose === "crls" ? KEY_USAGE.cRLSign : KEY_USAGE.keyCertSign;
  if (ku && !readKeyUsageBits(ku.value).includes(needed)) {
    throw new PkiError("issuer_unusable", `The issuer certificate's keyUsage does not allow ${params.purpose === "crls" ? "cRLSign" : "keyCertSign"}`);
  }
  const ski = ext(OID.subjectKeyIdentifier);
  const issuerKeyId = ski ? readSubjectKeyId(ski.value) : sha1(inspectSpki(parts.spki).publicKeyBits);
  const trailing: Uint8Array[] = [];
  if (crlUrl !== undefined) trailing.push(crlDistributionPointsExtension(crlUrl));
  if (caIssuersUrl !== undefined) trailing.push(authorityInfoAccessExtension(caIssuersUrl));
  const trailingExtensionsDer = concat(trailing);
  return {
    issuerCertDer: issuerCertDer.slice(),
    issuerNameDer: parts.subject.slice(),
    issuerSpkiDer: parts.spki.slice(),
    issuerKeyId: issuerKeyId.slice(),
    issuerNotBefore: parts.notBefore,
    issuerNotAfter: parts.notAfter,
    keyType,
    signatureAlgorithmOid: alg.oid,
    signatureAlgorithmDer: encodeSignatureAlgorithm(alg.oid),
    authorityKeyIdDer: authorityKeyIdExtension(issuerKeyId),
    trailingExtensions: trailing,
    trailingExtensionsDer,
    crlUrl,
    caIssuersUrl,
    verifiedSigners: new WeakSet(),
  };
}

// ---- cache: callers pass issuerCertDer on every call; the template is built once ----

const MAX_CACHED_ISSUERS = 16;
const byIdentity = new WeakMap<Uint8Array, IssuerTemplate[]>();
const byContent: IssuerTemplate[] = [];

function matches(t: IssuerTemplate, p: IssuerTemplateParams): boolean {
  return t.signatureAlgorithmOid === p.signer.signatureAlgorithmOid && t.keyType === p.signer.keyType && t.crlUrl === p.crlUrl && t.caIssuersUrl === p.caIssuersUrl;
}

/**
 * The template for these parameters, from a small cache: first by the identity of the
 * issuerCertDer array, then by its content (a byte compare of ~1 KB is far cheaper than a template).
 */
export function getIssuerTemplate(params: IssuerTemplateParams): IssuerTemplate {
  const own = byIdentity.get(params.issuerCertDer);
  const hit = own?.find((t) => matches(t, params));
  if (hit) return hit;
  let template = byContent.find((t) => matches(t, params) && bytesEqual(t.issuerCertDer, params.issuerCertDer));
  if (!template) {
    template = createIssuerTemplate(params);
    byContent.unshift(template);
    if (byContent.length > MAX_CACHED_ISSUERS) byContent.pop();
  }
  if (own) own.push(template);
  else byIdentity.set(params.issuerCertDer, [template]);
  return template;
}

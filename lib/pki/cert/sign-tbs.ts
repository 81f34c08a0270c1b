// The last step shared by certificates and CRLs: sign the DER "to be signed" structure through
// the injected Signer and wrap it as SEQUENCE { tbs, signatureAlgorithm, signatureValue }.
import { PkiError } from "./errors";
import { TAG, copyInto, headerSize, writeHeader } from "./der";
import type { IssuerTemplate } from "./issuer-template";
import { verifySignature, type Signer } from "./signer";

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING } */
export function assembleSignedStructure(tbs: Uint8Array, signatureAlgorithmDer: Uint8Array, signature: Uint8Array): Uint8Array {
  const bitStringLength = signature.length + 1;
  const content = tbs.length + signatureAlgorithmDer.length + headerSize(bitStringLength) + bitStringLength;
  const out = new Uint8Array(headerSize(content) + content);
  let o = writeHeader(out, 0, TAG.SEQUENCE, content);
  o = copyInto(out, o, tbs);
  o = copyInto(out, o, signatureAlgorithmDer);
  o = writeHeader(out, o, TAG.BIT_STRING, bitStringLength);
  out[o++] = 0; // no unused bits
  copyInto(out, o, signature);
  return out;
}

/** Signs the TBS and, the first time a signer is used with a template, checks the signature against the issuer key. */
export async function signWithTemplate(template: IssuerTemplate, signer: Signer, tbs: Uint8Array): Promise<Uint8Array> {
  if (signer.signatureAlgorithmOid !== template.signatureAlgorithmOid || signer.keyType !== template.keyType) {
    throw new PkiError("signer_mismatch", "The signer does not match the issuer template");
  }
  const result = signer.sign(tbs);
  // Synchronous signers (node:crypto, most HSM bindings) skip a microtask hop per certificate.
  const signature = result instanceof Uint8Array ? result : await result;
  if (!template.verifiedSigners.has(signer)) {
    // One verification per signer object catches a signer wired to the wrong CA key before
    // anything it signed leaves lib/pki.
    if (!(await verifySignature(template.issuerSpkiDer, template.signatureAlgorithmOid, tbs, signature))) {
      throw new PkiError("signer_mismatch", "The signer's signature does not verify with the issuer certificate's public key (wrong CA key?)");
    }
    template.verifiedSigners.add(signer);
  }
  return signature;
}


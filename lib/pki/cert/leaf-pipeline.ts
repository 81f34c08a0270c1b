// Signing as a fixed pipeline of named stages (after smallstep's authority/tls.go). The stages
// before this one run in the services: verified CSR → named checks (lib/policy/checks.ts). Here:
//   template  — buildLeafTbs: the TBSCertificate from the profile's values and the requested SANs
//   lint      — lintLeafTbs on the unsigned TBS (lib/pki/lint); any failure stops issuance by name
//   sign      — the injected Signer (lib/ca holds the key)
//   verify    — the signature checked with the issuer's public key, every certificate
// and the caller stores the result. Nothing is signed when a lint fails.
import { PkiError } from "./errors";
import { type IssuedCertificate, type IssueLeafParams, buildLeafTbs } from "./leaf-certificate";
import { getIssuerTemplate } from "./issuer-template";
import { assembleSignedStructure } from "./sign-tbs";
import { serialToHex } from "./serial";
import { verifySignature } from "./signer";
import { type LintResult, lintLeafTbs } from "../lint/lint-tbs";

export const PIPELINE_STAGES = ["template", "lint", "sign", "verify"] as const;

/** A lint failed: issuance stopped before signing. `lints` holds every result, the failing ones named. */
export class LintFailedError extends PkiError {
  constructor(readonly lints: LintResult[]) {
    const failed = lints.filter((l) => l.result === "fail");
    super("lint_failed", `Issuance stopped by pre-issuance lint${failed.length > 1 ? "s" : ""} ${failed.map((l) => `${l.name} (${l.message})`).join("; ")}. Nothing was signed or stored.`);
    this.name = "LintFailedError";
  }
}

type PipelineParams = IssueLeafParams & {
  /** Test seam: change the unsigned TBS between the template and lint stages (a crafted bad TBS). */
  alterTbs?: (tbs: Uint8Array) => Uint8Array;
};

/** The draft certificate's lints, signing nothing (the officer's review page). */
export function lintDraftLeaf(params: Omit<PipelineParams, "serial"> & { serial: Uint8Array }): LintResult[] {
  const template = getIssuerTemplate({ issuerCertDer: params.issuerCertDer, signer: params.signer, crlUrl: params.crlUrl, caIssuersUrl: params.caIssuersUrl });
  const { tbs } = buildLeafTbs(template, params);
  return lintLeafTbs(params.alterTbs ? params.alterTbs(tbs) : tbs, { issuerCertDer: params.issuerCertDer, extendedKeyUsage: params.extendedKeyUsage });
}

/** template → lint → sign → verify; throws LintFailedError (nothing signed) or PkiError. */
export async function issueLeafThroughPipeline(params: PipelineParams): Promise<IssuedCertificate & { lints: LintResult[] }> {
  const template = getIssuerTemplate({ issuerCertDer: params.issuerCertDer, signer: params.signer, crlUrl: params.crlUrl, caIssuersUrl: params.caIssuersUrl });
  const built = buildLeafTbs(template, params);
  const tbs = params.alterTbs ? params.alterTbs(built.tbs) : built.tbs;
  const lints = lintLeafTbs(tbs, { issuerCertDer: params.issuerCertDer, extendedKeyUsage: params.extendedKeyUsage });
  if (lints.some((l) => l.result === "fail")) throw new LintFailedError(lints);
  if (params.signer.signatureAlgorithmOid !== template.signatureAlgorithmOid || params.signer.keyType !== template.keyType) {
    throw new PkiError("signer_mismatch", "The signer does not match the issuer template");
  }
  const result = params.signer.sign(tbs);
  const signature = result instanceof Uint8Array ? result : await result;
  // Every certificate, not once per signer: a signer that goes wrong mid-run is caught before storing.
  if (!(await verifySignature(template.issuerSpkiDer, template.signatureAlgorithmOid, tbs, signature))) {
    throw new PkiError("signer_mismatch", "The certificate's signature does not verify with the issuing CA's public key; nothing was stored.");
  }
  return { der: assembleSignedStructure(tbs, template.signatureAlgorithmDer, signature), serialHex: serialToHex(params.serial), ...built.validity, lints };
}

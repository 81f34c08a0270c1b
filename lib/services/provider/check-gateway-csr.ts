import { AppError } from "@/lib/errors";
import { readCsr } from "@/lib/pki/csr";

/**
 * A CSR made on the provider's gateway, for one of the provider's own client certificates (signed by
 * the provider client CA, or by a partner's CA): its signature verifies, RSA ≥ 2048 or ECDSA
 * P-256/P-384, a CN naming the gateway, and a subject Keyport can carry. Throws a field error on `field`.
 */
export async function readGatewayCsr(input: string | Uint8Array, field = "csr") {
  const read = await readCsr(input);
  if (!read.ok) throw new AppError("validation_failed", read.finding.message, { [field]: read.finding.message });
  const csr = read.csr;
  if (!csr.signatureValid) throw new AppError("validation_failed", "The CSR's signature does not verify: it was altered, or is not signed by its own key.", { [field]: "Signature does not verify." });
  const strong = (csr.key.type === "rsa" && (csr.key.bits ?? 0) >= 2048) || (csr.key.type === "ec" && ["P-256", "P-384"].includes(csr.key.curve ?? ""));
  if (!strong) throw new AppError("validation_failed", `The CSR's key (${csr.key.label}) is not accepted: use RSA-2048 or larger, or ECDSA P-256/P-384.`, { [field]: "Key not accepted." });
  if (!csr.subject.some((a) => a.oid === "2.5.4.3")) throw new AppError("validation_failed", "The CSR's subject needs a CN naming the provider's gateway.", { [field]: "Subject without CN." });
  const subject = csr.certificateSubject;
  if (!subject.ok) throw new AppError("validation_failed", `The CSR's subject cannot be signed: ${subject.problems.map((p) => p.message).join(" ")}`, { [field]: "Subject not accepted." });
  return { csr, subject };
}

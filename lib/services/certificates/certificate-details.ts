import { type Actor, authorize } from "@/lib/auth/actor";
import { parseCertificateInfo } from "@/lib/pki/cert/certificate-info";
import { certificateView, findCertificateForActor } from "./read-certificates";

/** A certificate with what its DER says (issuer, key, extensions), for the detail page. */
export async function getCertificateDetails(actor: Actor, id: string) {
  authorize(actor, "certificate:read");
  const row = await findCertificateForActor(actor, id);
  const info = await parseCertificateInfo(new Uint8Array(row.der));
  return { certificate: certificateView(row), info };
}

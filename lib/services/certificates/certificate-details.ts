import { type Actor, authorize } from "@/lib/auth/actor";
import { parseCertificateInfo } from "@/lib/pki/cert/certificate-info";
import { certificateView, findCertificateForActor } from "./read-certificates";
import { certificateTimeline } from "./certificate-timeline";

/** A certificate with what its DER says (issuer, key, extensions) and its timeline, for the detail pages. */
export async function getCertificateDetails(actor: Actor, id: string) {
  authorize(actor, "certificate:read");
  const row = await findCertificateForActor(actor, id);
  const [info, timeline] = await Promise.all([parseCertificateInfo(new Uint8Array(row.der)), certificateTimeline(row)]);
  return { certificate: certificateView(row), info, timeline };
}

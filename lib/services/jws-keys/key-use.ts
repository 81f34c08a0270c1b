// Where else a public key is in Keyport: TLS (certificate requests, certificates) and JWS (partner
// and provider JWS keys). Treezor and Mojaloop want a different key for mTLS and for signing, so a
// JWS upload refuses a TLS key and a CSR refuses a JWS key (the "key.jws" check). All by the SHA-256
// of the canonical SPKI, the fingerprint CSRs and certificates already store.
import type { Tx } from "@/lib/db/client";

type Db = Pick<Tx, "certificateRequest" | "certificate" | "partnerJwsKey" | "providerJwsKey">;
export type KeyUseHit = { kind: "request" | "certificate" | "jws-key" | "provider-jws-key"; id: string; orgCode: string; envCode: string; status: string };

/** TLS uses of a key: any certificate request (any status) and any certificate, in any organisation or environment. */
export async function findTlsKeyUse(db: Db, spkiSha256: string): Promise<KeyUseHit[]> {
  const [requests, certificates] = await Promise.all([
    db.certificateRequest.findMany({ where: { publicKeyFingerprint: spkiSha256 }, select: { id: true, status: true, org: { select: { code: true } }, env: { select: { code: true } } }, take: 5 }),
    db.certificate.findMany({ where: { publicKeyFingerprint: spkiSha256 }, select: { id: true, org: { select: { code: true } }, env: { select: { code: true } } }, take: 5 }),
  ]);
  return [
    ...requests.map((r) => ({ kind: "request" as const, id: r.id, orgCode: r.org.code, envCode: r.env.code, status: r.status })),
    ...certificates.map((c) => ({ kind: "certificate" as const, id: c.id, orgCode: c.org?.code ?? "provider", envCode: c.env.code, status: "issued" })),
  ];
}

/** JWS uses of a key: partner keys not rejected, and provider keys. */
export async function findJwsKeyUse(db: Db, spkiSha256: string): Promise<KeyUseHit[]> {
  const [partner, provider] = await Promise.all([
    db.partnerJwsKey.findMany({ where: { spkiSha256, status: { not: "rejected" } }, select: { id: true, status: true, org: { select: { code: true } }, env: { select: { code: true } } }, take: 5 }),
    db.providerJwsKey.findMany({ where: { spkiSha256 }, select: { id: true, env: { select: { code: true } } }, take: 5 }),
  ]);
  return [
    ...partner.map((k) => ({ kind: "jws-key" as const, id: k.id, orgCode: k.org.code, envCode: k.env.code, status: k.status })),
    ...provider.map((k) => ({ kind: "provider-jws-key" as const, id: k.id, orgCode: "provider", envCode: k.env.code, status: "provider" })),
  ];
}

/** A hit as a partner may read it: its own organisation's in full, others' only as a fact. */
export function describeHits(hits: KeyUseHit[], viewerOrgCode: string | null): string {
  const label = { request: "certificate request", certificate: "certificate", "jws-key": "JWS key", "provider-jws-key": "provider JWS key" } as const;
  const visible = viewerOrgCode === null ? hits : hits.filter((h) => h.orgCode === viewerOrgCode);
  const parts = visible.slice(0, 3).map((h) => `${label[h.kind]} ${h.id} (${h.orgCode}, ${h.envCode})`);
  if (visible.length < hits.length) parts.push("a key of another organisation");
  return parts.join("; ");
}

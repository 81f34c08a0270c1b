// JWK Sets for gateways (issue 18, item 3): every endorsed, unretired partner key of an environment
// (or of one partner), and the provider's active keys. Answers carry an ETag over the exact bytes
// and a max-age that never outlives the next retire date, so a poller with If-None-Match gets 304
// until something changes and drops a retired key within seconds of its date.
import { createHash } from "node:crypto";
import type { JWK } from "jose";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { base64Encode } from "@/lib/pki/pem";
import { requireEnvironment } from "@/lib/services/environments/find-environment";
import { orgScope } from "@/lib/services/scope";

export const JWKS_MAX_AGE_SECONDS = 300;
export type JwksDocument = { body: string; etag: string; maxAge: number };

const b64url = (b: Uint8Array) => Buffer.from(b).toString("base64url");

function document(keys: object[], retireDates: (Date | null)[], now: Date): JwksDocument {
  const body = `${JSON.stringify({ keys })}\n`;
  const next = retireDates.filter((d): d is Date => !!d && d.getTime() > now.getTime()).map((d) => Math.ceil((d.getTime() - now.getTime()) / 1000));
  return { body, etag: `"${createHash("sha256").update(body).digest("base64url")}"`, maxAge: Math.max(0, Math.min(JWKS_MAX_AGE_SECONDS, ...next)) };
}

/** Partner keys: a token of a role with jws-key:read; a partner gets its own organisation's only. */
export async function partnerJwks(actor: Actor, envCode: string, orgCode?: string): Promise<JwksDocument> {
  authorize(actor, "jws-key:read");
  const env = await requireEnvironment(envCode.toUpperCase(), "env");
  const own = orgScope(actor);
  const db = getDb();
  let orgId: string | undefined = own ?? undefined;
  if (orgCode) {
    const org = await db.organisation.findUnique({ where: { code: orgCode }, select: { id: true } });
    if (!org || (own && org.id !== own)) throw new AppError("not_found", `No organisation with code "${orgCode.slice(0, 64)}".`);
    orgId = org.id;
  }
  const now = new Date();
  const rows = await db.partnerJwsKey.findMany({
    where: { envId: env.id, status: "endorsed", ...(orgId ? { orgId } : {}), OR: [{ retireAt: null }, { retireAt: { gt: now } }] },
    include: { org: { select: { code: true } } },
    orderBy: [{ endorsedAt: "asc" }, { id: "asc" }],
  });
  const keys = rows.map((r) => ({
    ...(r.jwk as JWK),
    kid: r.kid,
    alg: r.alg,
    use: "sig",
    org: r.org.code,
    ...(r.certDer ? { x5c: [base64Encode(new Uint8Array(r.certDer))], "x5t#S256": b64url(createHash("sha256").update(r.certDer).digest()) } : {}),
  }));
  return document(keys, rows.map((r) => r.retireAt), now);
}

/** The provider's active keys: public, for partners to verify the provider's signatures. */
export async function providerJwks(envCode: string): Promise<JwksDocument> {
  const env = await requireEnvironment(envCode.toUpperCase(), "env");
  const now = new Date();
  const rows = await getDb().providerJwsKey.findMany({ where: { envId: env.id, OR: [{ retireAt: null }, { retireAt: { gt: now } }] }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return document(rows.map((r) => ({ ...(r.jwk as JWK), kid: r.kid, alg: r.alg, use: "sig" })), rows.map((r) => r.retireAt), now);
}

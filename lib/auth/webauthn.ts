// WebAuthn (passkeys) as a second factor, through @simplewebauthn/server. The relying party is the
// portal itself: its ID is the host of the portal's origin (NEXTAUTH_URL, else KEYPORT_PUBLIC_URL),
// and only that origin is accepted (WebAuthn L2 §7.1 steps 9 and 13: origin and RP ID hash).
// Challenges live server-side (model WebauthnChallenge): a row is used at most once, within
// CHALLENGE_TTL_MS, and a registration or step-up challenge only by the session that asked for it.
import { type AuthenticationResponseJSON, type RegistrationResponseJSON, verifyAuthenticationResponse, verifyRegistrationResponse } from "@simplewebauthn/server";
import type { Tx } from "@/lib/db/client";
import { portalOrigin } from "@/lib/auth/callback-url";

export const CHALLENGE_TTL_MS = 5 * 60_000;
/** The httpOnly cookie that binds a sign-in challenge to the browser that asked for it. */
export const SIGNIN_CHALLENGE_COOKIE = "keyport-webauthn";
export type ChallengePurpose = "register" | "signin" | "step-up";

export function relyingParty(): { id: string; name: string; origin: string } {
  const origin = portalOrigin(process.env.KEYPORT_PUBLIC_URL ?? "http://localhost:3000");
  return { id: new URL(origin).hostname, name: "Keyport", origin };
}

export async function storeChallenge(db: Pick<Tx, "webauthnChallenge">, c: { purpose: ChallengePurpose; challenge: string; sessionId?: string | null; userId?: string | null }): Promise<string> {
  const now = Date.now();
  // Expired rows are of no use to anyone: each new challenge sweeps them.
  await db.webauthnChallenge.deleteMany({ where: { expiresAt: { lt: new Date(now - CHALLENGE_TTL_MS) } } });
  // A new ceremony replaces the session's earlier one of the same kind (one challenge open at a time).
  if (c.userId) await db.webauthnChallenge.deleteMany({ where: { purpose: c.purpose, userId: c.userId, sessionId: c.sessionId ?? null, usedAt: null } });
  const row = await db.webauthnChallenge.create({
    data: { purpose: c.purpose, challenge: c.challenge, sessionId: c.sessionId ?? null, userId: c.userId ?? null, expiresAt: new Date(now + CHALLENGE_TTL_MS) },
    select: { id: true },
  });
  return row.id;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Take a challenge for one use: the newest unused, unexpired one of this purpose (and session, when
 * bound), marked used by a compare-and-set so two parallel answers cannot both use it. Null if none.
 */
export async function consumeChallenge(
  db: Pick<Tx, "webauthnChallenge">,
  where: { purpose: ChallengePurpose; id: string } | { purpose: ChallengePurpose; userId: string; sessionId: string | null },
): Promise<string | null> {
  if ("id" in where && !UUID.test(where.id)) return null;
  const row = await db.webauthnChallenge.findFirst({
    where: { purpose: where.purpose, usedAt: null, expiresAt: { gt: new Date() }, ...("id" in where ? { id: where.id } : { userId: where.userId, sessionId: where.sessionId }) },
    orderBy: { createdAt: "desc" },
  });
  if (!row) return null;
  const { count } = await db.webauthnChallenge.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: new Date() } });
  return count === 1 ? row.challenge : null;
}

/** The browser's answer as JSON, parsed, or null (a malformed answer is a failed factor, never a 500). */
export function parseCredentialJson<T extends RegistrationResponseJSON | AuthenticationResponseJSON>(raw: unknown): T | null {
  if (typeof raw !== "string" || raw.length > 64_000) return null;
  try {
    const v = JSON.parse(raw) as T;
    return v && typeof v === "object" && typeof v.id === "string" && typeof v.rawId === "string" && v.response && typeof v.response === "object" && v.type === "public-key" ? v : null;
  } catch {
    return null;
  }
}

export async function verifyRegistration(response: RegistrationResponseJSON, expectedChallenge: string) {
  const rp = relyingParty();
  try {
    const r = await verifyRegistrationResponse({ response, expectedChallenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: false });
    return r.verified && r.registrationInfo ? r.registrationInfo.credential : null;
  } catch {
    return null;
  }
}

type StoredPasskey = { id: string; credentialId: string; publicKey: Uint8Array; counter: bigint; transports: string[] };

/**
 * Check an assertion against one of the user's passkeys and record its counter. A signature counter
 * that does not move forward (when the authenticator keeps one) is refused: a cloned authenticator
 * (WebAuthn L2 §6.1.1). The counter is written with a compare-and-set.
 */
export async function consumeAssertion(db: Pick<Tx, "passkey">, userId: string, response: AuthenticationResponseJSON, expectedChallenge: string): Promise<StoredPasskey | null> {
  const key = await db.passkey.findFirst({ where: { userId, credentialId: response.id } });
  if (!key) return null;
  const rp = relyingParty();
  let newCounter: number;
  try {
    const r = await verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: { id: key.credentialId, publicKey: new Uint8Array(key.publicKey), counter: Number(key.counter), transports: key.transports as never },
      requireUserVerification: false,
    });
    if (!r.verified) return null;
    newCounter = r.authenticationInfo.newCounter;
  } catch {
    return null;
  }
  const { count } = await db.passkey.updateMany({ where: { id: key.id, counter: key.counter }, data: { counter: BigInt(newCounter), lastUsedAt: new Date() } });
  return count === 1 ? key : null;
}

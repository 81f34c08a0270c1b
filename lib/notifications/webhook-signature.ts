// Webhook signatures: header `Keyport-Signature: t=<unix seconds>,v1=<hex HMAC-SHA-256>` over
// "<t>.<raw body>" with the organisation's secret. A receiver recomputes the MAC over the raw bytes
// it received, compares in constant time, and refuses a timestamp outside its replay window
// (default 300 s), so a captured request cannot be replayed later.
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "Keyport-Signature";
export const EVENT_ID_HEADER = "Keyport-Event-Id";
export const REPLAY_WINDOW_SECONDS = 300;

export function signWebhook(secret: string, body: string, at: Date = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  const mac = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  return `t=${t},v1=${mac}`;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/** What a receiver does (also used by the tests as the receiver). */
export function verifyWebhook(secret: string, body: string, header: string | null | undefined, now: Date = new Date(), windowSeconds = REPLAY_WINDOW_SECONDS): VerifyResult {
  if (!header || header.length > 512) return { ok: false, reason: "missing or oversized signature header" };
  const parts = Object.fromEntries(header.split(",").map((p) => p.trim().split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!/^\d{1,12}$/.test(parts.t ?? "") || !/^[0-9a-f]{64}$/.test(parts.v1 ?? "")) return { ok: false, reason: "malformed signature header" };
  if (Math.abs(now.getTime() / 1000 - t) > windowSeconds) return { ok: false, reason: "timestamp outside the replay window" };
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  if (!timingSafeEqual(expected, Buffer.from(parts.v1, "hex"))) return { ok: false, reason: "signature does not match" };
  return { ok: true };
}

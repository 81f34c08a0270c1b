import { createHash, randomBytes } from "node:crypto";

// kp_ + 43 base64url characters (32 random bytes). The prefix lets secret scanners spot leaked tokens.
export const TOKEN_PATTERN = /^kp_[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  return `kp_${randomBytes(32).toString("base64url")}`;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function tokenPrefix(token: string): string {
  return token.slice(0, 10);
}

// Password hashing: argon2id (RFC 9106) through the maintained `argon2` package, which hashes on
// libuv's thread pool, never on the event loop.
//
// Parameters: OWASP's first argon2id configuration (m = 19 MiB, t = 2, p = 1), ~60 ms on one core
// of the 2-core machines Keyport is sized for. The scrypt hashes written before (N = 2^17, 128 MiB,
// ~600 ms each) still verify and are replaced at the user's next successful sign-in.
//
// Every hash and verification runs behind one small per-process limit (HASH_CONCURRENCY at a time,
// at most HASH_QUEUE waiting): a burst of sign-ins then costs one core for a while instead of the
// whole thread pool and all memory, so the rest of the portal keeps answering (issue 14, finding 3).
// Past the queue, a verification is refused at once (PasswordHashBusy) rather than queued.
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from "node:crypto";
import os from "node:os";
import { promisify } from "node:util";
import argon2 from "argon2";
import pLimit from "p-limit";

export const ARGON2_PARAMS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

const HASH_CONCURRENCY = Math.max(1, Math.min(4, (os.availableParallelism?.() ?? 2) - 1));
const HASH_QUEUE = 32;
const limit = pLimit(HASH_CONCURRENCY);

/** The hashing queue is full: the caller should refuse this attempt now rather than wait. */
export class PasswordHashBusy extends Error {
  constructor() {
    super("too many password verifications in progress");
    this.name = "PasswordHashBusy";
  }
}

function limited<T>(work: () => Promise<T>): Promise<T> {
  if (limit.pendingCount >= HASH_QUEUE) return Promise.reject(new PasswordHashBusy());
  return limit(work);
}

export function hashPassword(password: string): Promise<string> {
  return limited(() => argon2.hash(password, ARGON2_PARAMS));
}

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;
// The legacy format: scrypt$N$r$p$salt$hash. Bounded so that a stored row cannot ask for more.
const LEGACY_MAX_N = 2 ** 17;

async function verifyLegacyScrypt(password: string, parts: string[]): Promise<boolean> {
  const [, n, r, p, saltB64, hashB64] = parts;
  const N = Number(n);
  if (!Number.isInteger(N) || N < 2 || N > LEGACY_MAX_N || Number(r) !== 8 || Number(p) !== 1) return false;
  const expected = Buffer.from(hashB64, "base64");
  if (expected.length < 16 || expected.length > 64) return false;
  const actual = await scrypt(password, Buffer.from(saltB64, "base64"), expected.length, { N, r: 8, p: 1, maxmem: 256 * 1024 * 1024 });
  return timingSafeEqual(actual, expected);
}

/** Does `password` match `stored`? Throws PasswordHashBusy when the hashing queue is full. */
export function verifyPassword(password: string, stored: string): Promise<boolean> {
  return limited(async () => {
    if (stored.startsWith("$argon2id$")) {
      try {
        return await argon2.verify(stored, password);
      } catch {
        return false; // a malformed stored hash matches nothing
      }
    }
    const parts = stored.split("$");
    if (parts.length === 6 && parts[0] === "scrypt") return verifyLegacyScrypt(password, parts);
    return false;
  });
}

/** True when `stored` is not an argon2id hash with today's parameters (rehash it after a successful sign-in). */
export function needsRehash(stored: string): boolean {
  if (!stored.startsWith("$argon2id$")) return true;
  try {
    return argon2.needsRehash(stored, ARGON2_PARAMS);
  } catch {
    return true;
  }
}

// A hash of a random password, verified against when the account does not exist
// so that sign-in takes the same time either way.
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
  dummyHash.catch(() => (dummyHash = undefined));
  return dummyHash;
}

/** A readable random password: 20 characters from an unambiguous alphabet (~115 bits). */
export function generatePassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = randomBytes(40);
  let out = "";
  for (const b of bytes) {
    if (b < 220) out += alphabet[b % alphabet.length]; // 220 = 4*55 avoids modulo bias
    if (out.length === 20) break;
  }
  return out.length === 20 ? out : generatePassword();
}

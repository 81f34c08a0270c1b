// The audit chain's key. Each audit event's hash is an HMAC-SHA-256 (RFC 2104) under a key
// derived from the master key with HKDF-SHA-256 (RFC 5869; one fixed info string, so this key
// reveals neither the master key nor the other keys derived from it). The database never holds
// it: whoever can write the database but not read the master key cannot recompute the chain.
// lib/audit gets a function that returns the MAC, never the key.
import { createHmac, createSecretKey, hkdfSync } from "node:crypto";
import { loadMasterKey, type MasterKey } from "./master-key";

const AUDIT_CHAIN_INFO = "keyport audit chain v1";

/** HKDF-SHA-256 of the master key for one purpose (RFC 5869 §2; no salt: the master key is already uniformly random, §3.1). */
export function deriveFromMasterKey(master: MasterKey, info: string): Buffer {
  return Buffer.from(hkdfSync("sha256", master.key, Buffer.alloc(0), info, 32));
}

export type AuditSeal = {
  /** The master key's id (masterKeyId, as CA rows store it): which key a chain is sealed under. Not secret. */
  keyId: string;
  /** HMAC-SHA-256 of the text under the audit chain key, as 64 hex characters. */
  mac: (text: string) => string;
};

/** The audit chain's MAC; throws the master key's own message when none is configured. */
export function openAuditSeal(env: NodeJS.ProcessEnv = process.env): AuditSeal {
  const master = loadMasterKey(env);
  // One derivation per master key and process (every audited change asks).
  const cached = seals.get(master.id);
  if (cached) return cached;
  const seal = deriveSeal(master);
  if (seals.size > 8) seals.clear();
  seals.set(master.id, seal);
  return seal;
}

const seals = new Map<string, AuditSeal>();

function deriveSeal(master: MasterKey): AuditSeal {
  const raw = deriveFromMasterKey(master, AUDIT_CHAIN_INFO);
  const key = createSecretKey(raw);
  raw.fill(0);
  return { keyId: master.id, mac: (text) => createHmac("sha256", key).update(text, "utf8").digest("hex") };
}

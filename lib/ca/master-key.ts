// The master key encrypts CA private keys at rest, and the audit trail's keys are derived
// from it (lib/ca/audit-seal.ts, lib/ca/checkpoint-key.ts). It comes from
// KEYPORT_MASTER_KEY (64 hex characters) or from a file named by
// KEYPORT_MASTER_KEY_FILE. It is never logged and never stored in the database.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import { AppError } from "@/lib/errors";

export type MasterKey = { key: Buffer; id: string };

const HEX64 = /^[0-9a-fA-F]{64}$/;

export function masterKeyId(key: Buffer): string {
  return createHash("sha256").update("keyport-master-key-id:").update(key).digest("hex").slice(0, 16);
}

export function loadMasterKey(env: NodeJS.ProcessEnv = process.env): MasterKey {
  let hex = env.KEYPORT_MASTER_KEY?.trim();
  const file = env.KEYPORT_MASTER_KEY_FILE;
  if (!hex && file) {
    try {
      hex = fs.readFileSync(file, "utf8").trim();
    } catch (e) {
      throw new AppError("internal", `Cannot read the master key file named by KEYPORT_MASTER_KEY_FILE (${file}): ${(e as NodeJS.ErrnoException).code ?? "error"}.`);
    }
  }
  if (!hex) {
    throw new AppError(
      "internal",
      "No master key: set KEYPORT_MASTER_KEY (64 hex characters, e.g. export KEYPORT_MASTER_KEY=$(openssl rand -hex 32)) or KEYPORT_MASTER_KEY_FILE (a file holding them). " +
        "CA private keys cannot be created or used, nor audit events recorded or verified, without it; keep it safe, it is the only way to open them.",
    );
  }
  if (!HEX64.test(hex)) {
    throw new AppError("internal", `The master key must be exactly 64 hex characters (32 bytes); the one given has ${hex.length} characters or non-hex content.`);
  }
  const key = Buffer.from(hex, "hex");
  return { key, id: masterKeyId(key) };
}

/**
 * Zero-setup default for the embedded database only: a master key file under
 * the data folder, generated once. Production sets KEYPORT_MASTER_KEY(_FILE).
 * Returns the file path when it was created (so the caller can say so).
 */
export function ensureLocalMasterKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): { file: string; created: boolean } | null {
  if (env.KEYPORT_MASTER_KEY || env.KEYPORT_MASTER_KEY_FILE) return null;
  const file = `${dataDir}/master.key`;
  let created = false;
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
    created = true;
  }
  env.KEYPORT_MASTER_KEY_FILE = file;
  return { file, created };
}

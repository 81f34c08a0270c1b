// Readiness for orchestrators (GET /api/health/ready): can this instance serve? The database
// answers, every migration of this build is applied, and the master key is present and is the
// one the CA keys are sealed under. Each part is reported; none of it is secret.
import { getDb } from "@/lib/db/client";
import { pendingMigrations } from "@/lib/db/migration-check";
import { loadMasterKey } from "@/lib/ca/master-key";

export type Readiness = {
  ready: boolean;
  database: { status: "ok" | "unreachable"; latencyMs?: number };
  migrations: { status: "ok" | "pending" | "unknown"; pending?: string[] };
  masterKey: { status: "ok" | "missing" | "mismatch" };
};

export async function checkReadiness(): Promise<Readiness> {
  const started = Date.now();
  const db = getDb();
  let database: Readiness["database"];
  try {
    await db.$queryRaw`SELECT 1`;
    database = { status: "ok", latencyMs: Date.now() - started };
  } catch {
    database = { status: "unreachable" };
  }
  let migrations: Readiness["migrations"] = { status: "unknown" };
  let masterKey: Readiness["masterKey"] = { status: "missing" };
  let keyId: string | null = null;
  try {
    keyId = loadMasterKey().id;
    masterKey = { status: "ok" };
  } catch {
    masterKey = { status: "missing" };
  }
  if (database.status === "ok") {
    try {
      const pending = await pendingMigrations();
      migrations = pending.length ? { status: "pending", pending } : { status: "ok" };
    } catch {
      migrations = { status: "unknown" };
    }
    if (keyId && migrations.status === "ok") {
      const sealed = await db.certificateAuthority.findFirst({ where: { active: true }, select: { masterKeyId: true } }).catch(() => null);
      if (sealed && sealed.masterKeyId !== keyId) masterKey = { status: "mismatch" };
    }
  }
  return { ready: database.status === "ok" && migrations.status === "ok" && masterKey.status === "ok", database, migrations, masterKey };
}

// Entry point of `npm run keyport -- <command>`.
import { DEFAULT_DATA_DIR, ensureDatabaseUrl } from "@/lib/db/embedded";
import { disconnectDb } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrations";
import { USAGE, describeFailure, runCli } from "@/lib/cli/run-cli";
import { ensureLocalMasterKey } from "@/lib/ca/master-key";

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const io = { out: (s: string) => console.log(s), err: (s: string) => console.error(s) };
  if (argv.length === 0 || ["help", "--help", "-h"].includes(argv[0])) {
    (argv.length ? io.out : io.err)(USAGE);
    return argv.length ? 0 : 2;
  }
  let db;
  try {
    db = await ensureDatabaseUrl();
  } catch (e) {
    io.err(`keyport: ${describeFailure(e)}`);
    return 1;
  }
  try {
    // The embedded database keeps its master key beside it (see README); a server needs KEYPORT_MASTER_KEY(_FILE).
    if (db.embedded) {
      const mk = ensureLocalMasterKey(process.env.KEYPORT_DATA_DIR ?? DEFAULT_DATA_DIR);
      if (mk?.created) io.err(`Generated ${mk.file}: the master key that encrypts the embedded database's CA private keys.`);
    }
    // The embedded database is migrated automatically; a server is migrated with `db migrate`.
    if (db.embedded && argv.join(" ") !== "db migrate") await applyMigrations(db.url);
    return await runCli(argv, io, { migrate: async () => (await applyMigrations(db.url)).applied });
  } finally {
    await disconnectDb();
    await db.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`keyport: ${describeFailure(e)}`);
    process.exit(1);
  },
);

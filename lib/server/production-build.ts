// `npm run demo` serves the production build: built once, reused until the sources change. The
// fingerprint is a SHA-256 over the contents of everything that goes into the build (a fresh
// clone has fresh mtimes, so contents, not times); `npm run build` writes it beside the build.
import { createHash } from "node:crypto";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const STAMP = path.join(".next", "keyport-source.sha256");
const INPUTS = ["app", "components", "lib", "public", "proxy.ts", "next.config.mjs", "postcss.config.mjs", "tsconfig.json", "package-lock.json", "prisma/schema.prisma"];
const SKIP = /(^|\/)(node_modules|\.next|generated)(\/|$)|\.test\.ts$|(^|\/)fixtures\//;

function* files(p: string): Generator<string> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    return;
  }
  if (stat.isFile()) {
    yield p;
    return;
  }
  for (const name of fs.readdirSync(p).sort()) {
    const child = path.join(p, name);
    if (!SKIP.test(child)) yield* files(child);
  }
}

export function sourceFingerprint(root = process.cwd()): string {
  const hash = createHash("sha256");
  for (const input of INPUTS) {
    for (const file of files(path.join(root, input))) {
      hash.update(path.relative(root, file)).update("\0").update(fs.readFileSync(file)).update("\0");
    }
  }
  return hash.digest("hex");
}

export function writeBuildStamp(root = process.cwd()) {
  fs.writeFileSync(path.join(root, STAMP), sourceFingerprint(root) + "\n");
}

export function buildIsCurrent(root = process.cwd()): boolean {
  try {
    return fs.existsSync(path.join(root, ".next", "BUILD_ID")) && fs.readFileSync(path.join(root, STAMP), "utf8").trim() === sourceFingerprint(root);
  } catch {
    return false;
  }
}

/** Build (`next build`, its output kept in .next/build.log) unless the current build matches the sources. */
export async function ensureProductionBuild(say: (line: string) => void, root = process.cwd()): Promise<void> {
  if (buildIsCurrent(root)) {
    say("production build: up to date");
    return;
  }
  say("production build: building (first start or changed sources; a few minutes on 2 cores) …");
  const started = Date.now();
  fs.mkdirSync(path.join(root, ".next"), { recursive: true });
  const logFile = path.join(root, ".next", "build.log");
  const out = fs.openSync(logFile, "w");
  const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [nextBin, "build"], { cwd: root, stdio: ["ignore", out, out], env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" } });
    child.on("exit", (c) => resolve(c ?? 1));
  });
  fs.closeSync(out);
  if (code !== 0) {
    const tail = fs.readFileSync(logFile, "utf8").trim().split("\n").slice(-15).join("\n");
    throw new Error(`next build failed (exit ${code}); the end of ${path.relative(root, logFile)}:\n${tail}`);
  }
  writeBuildStamp(root);
  say(`production build: done in ${Math.round((Date.now() - started) / 1000)} s`);
}

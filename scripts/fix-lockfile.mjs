// The registry this project installs from serves only the platform packages of
// the machines it runs on, so `npm install` leaves other platforms' optional
// native packages (darwin, win32, android, …) out of package-lock.json, and
// `npm ci` then refuses the lock. This adds them back as optional entries
// restricted to their platform, which npm skips on every other machine.
// Run after `npm install`: node scripts/fix-lockfile.mjs
import fs from "node:fs";

const file = "package-lock.json";
const lock = JSON.parse(fs.readFileSync(file, "utf8"));
const pkgs = lock.packages;
const OS = ["darwin", "win32", "linux", "android", "freebsd", "openbsd", "netbsd", "sunos", "aix", "openharmony"];
const CPU = ["arm64", "x64", "ia32", "arm", "riscv64", "ppc64", "s390x", "loong64", "wasm32", "mips64el"];

function platformOf(name) {
  const base = name.split("/").pop();
  const os = OS.find((o) => base.includes(o));
  const cpu = CPU.find((c) => new RegExp(`(^|-)${c}(-|$)`).test(base)) ?? (base.includes("arm-") ? "arm" : undefined);
  if (base.includes("wasm32")) return { cpu: ["wasm32"] };
  if (!os && !cpu) return null;
  return { ...(os ? { os: [os] } : {}), ...(cpu ? { cpu: [cpu] } : {}) };
}

let added = 0;
for (const [path, meta] of Object.entries(pkgs)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const nested = `${path ? path + "/" : ""}node_modules/${dep}`;
    if (pkgs[nested] || pkgs[`node_modules/${dep}`]) continue;
    const platform = platformOf(dep);
    if (!platform) continue;
    pkgs[`node_modules/${dep}`] = { version, optional: true, ...platform };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)));
lock.packages = sorted;
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
console.log(`fix-lockfile: added ${added} platform-only optional entries`);

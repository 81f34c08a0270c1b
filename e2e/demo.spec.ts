// The newcomer's path (issue 16): `npm run demo` on a fresh data folder, with nothing configured,
// serves the production build on the embedded database; it becomes ready, a printed account signs
// in, and Ctrl-C stops it within 10 s.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { TOTP } from "otpauth";

test("[admin] npm run demo from nothing: ready, sign in with a printed password, Ctrl-C stops it within 10 s", async ({ browser }) => {
  test.setTimeout(240_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "keyport-demo-"));
  const base = 5000 + Math.floor(Math.random() * 400) * 10;
  const env: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: process.env.HOME, KEYPORT_DATA_DIR: dataDir, PORT: String(base), KEYPORT_EMBEDDED_DB_PORT: String(base + 1), KEYPORT_CONNECTIVITY: `PPR:${base + 2},PRD:${base + 3}` };
  let output = "";
  const demo: ChildProcess = spawn("npm", ["run", "demo"], { env: env as NodeJS.ProcessEnv, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  demo.stdout!.on("data", (d) => (output += d));
  demo.stderr!.on("data", (d) => (output += d));
  try {
    const until = Date.now() + 200_000;
    while (!/admin\s+admin@keyport\.test\s+\S{20}/.test(output)) {
      if (demo.exitCode !== null || Date.now() > until) throw new Error(`the demo did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const url = `http://localhost:${base}`;
    const ready = await fetch(`${url}/api/health/ready`);
    expect(ready.status).toBe(200);
    // A clean log: the start-up steps, then the accounts block last; no warnings.
    expect(output).not.toMatch(/warn|deprecat/i);
    expect(output).toContain("production build: up to date");
    expect(output.trimEnd().split("\n").at(-1)).toMatch(/^─+$/);

    const [, password, secret] = /admin\s+admin@keyport\.test\s+(\S{20})\s+TOTP secret ([A-Z2-7]+)/.exec(output)!;
    const page = await (await browser.newContext({ baseURL: url })).newPage();
    await page.goto("/signin");
    await page.getByLabel("Email").fill("admin@keyport.test");
    await page.getByLabel("Password").fill(password);
    // The demo's admin comes enrolled in TOTP: the code is computed from the printed secret.
    await page.getByLabel("Authentication code").fill(new TOTP({ secret }).generate());
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/admin$/);
    await expect(page.getByRole("table", { name: "Users" })).toContainText("partner@acme.test");
    await page.context().close();

    const t = Date.now();
    process.kill(-demo.pid!, "SIGINT"); // Ctrl-C: the whole process group (npm, tsx, node)
    // Stopped in order within 10 s: the server, the job engine, the embedded database (its lock released).
    while (fs.existsSync(path.join(dataDir, "pglite.lock")) && Date.now() - t < 10_000) await new Promise((r) => setTimeout(r, 100));
    expect(fs.existsSync(path.join(dataDir, "pglite.lock"))).toBe(false);
    const alive = () => {
      try {
        process.kill(-demo.pid!, 0);
        return true;
      } catch {
        return false;
      }
    };
    while (alive() && Date.now() - t < 10_000) await new Promise((r) => setTimeout(r, 100));
    expect(alive(), "a process of the demo is still running").toBe(false);
    expect(Date.now() - t).toBeLessThan(10_000);
  } catch (e) {
    const ps = spawnSync("ps", ["-o", "pid,pgid,stat,cmd", "-g", String(demo.pid)], { encoding: "utf8" }).stdout;
    throw new Error(`${(e as Error).message}\n--- demo output ---\n${output}\n--- its processes ---\n${ps}`);
  } finally {
    try {
      process.kill(-demo.pid!, "SIGKILL");
    } catch {
      // already gone
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

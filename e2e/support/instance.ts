// One more Keyport server on the e2e database, for specs that need a second instance (other
// settings, or a process they may stop). Started as `npm start` runs it; resolves when `ready`
// answers 200 (two minutes at most).
import { type ChildProcess, spawn } from "node:child_process";
import { e2eDatabaseEnv, keyportServerCommand } from "./env";

export async function startInstance(port: number, env: Record<string, string> = {}, ready = "/api/health"): Promise<ChildProcess> {
  const server = keyportServerCommand(port);
  const all: NodeJS.ProcessEnv = {
    ...process.env,
    ...server.env,
    ...e2eDatabaseEnv(),
    NEXTAUTH_URL: `http://localhost:${port}`,
    NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? "e2e-only-secret-not-for-production-0123456789",
    NEXT_TELEMETRY_DISABLED: "1",
    ...env,
  };
  delete all.KEYPORT_CONNECTIVITY; // the e2e server owns the connectivity listener's port
  const child = spawn(server.command, server.args, { env: all, stdio: "ignore" });
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`the instance on port ${port} exited (${child.exitCode})`);
    const up = await fetch(`http://localhost:${port}${ready}`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return child;
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill("SIGKILL");
  throw new Error(`the instance on port ${port} did not become ready`);
}

/** SIGTERM, and wait for the exit (a graceful stop). */
export async function stopInstance(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
}

// Test support: run the real tools (openssl, keytool, curl) without blocking the event loop
// (the TLS tests serve from this same process).
import { execFile } from "node:child_process";

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout + stderr, for matching messages wherever the tool prints them. */
  output: string;
}

export function runTool(command: string, args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: options.cwd, timeout: options.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr, output: `${stdout}${stderr}` });
    });
  });
}

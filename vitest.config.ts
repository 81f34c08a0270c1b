import path from "node:path";
import { randomBytes } from "node:crypto";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["lib/**/*.test.ts", "scripts/**/*.test.ts"],
    globalSetup: ["lib/testing/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // A throwaway master key for the CA keys this run creates.
    env: { KEYPORT_MASTER_KEY: process.env.KEYPORT_MASTER_KEY ?? randomBytes(32).toString("hex") },
    // One worker: the service tests share the run's database (and PGlite has one backend).
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
  },
});

// oidc-provider ships no types (and @types/oidc-provider is not installed): what e2e/support/oidc-issuer.ts uses.
declare module "oidc-provider" {
  import type { Server } from "node:http";
  type Account = { accountId: string; claims: () => Promise<Record<string, unknown>> };
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown> & { findAccount?: (ctx: unknown, id: string) => Promise<Account | undefined> });
    listen(port: number, host: string, cb: () => void): Server;
  }
}

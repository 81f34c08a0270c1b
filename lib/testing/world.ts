// Test support: a small world of environments (with CAs), organisations, users,
// actors and API tokens, with unique codes so tests sharing a database never collide.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI_ACTOR, type Actor } from "@/lib/auth/actor";
import type { PartnerRole, Role } from "@/lib/auth/permissions";
import { createEnvironment } from "@/lib/services/environments/create-environment";
import { createOrganisation } from "@/lib/services/organisations/create-organisation";
import { createUser } from "@/lib/services/users/create-user";
import { createToken } from "@/lib/services/tokens/create-token";
import { initCa } from "@/lib/services/ca/init-ca";

export const uniq = () => Math.random().toString(36).slice(2, 8);

export type TestUser = { actor: Actor; email: string; token: string; id: string };

/** A user with an API token; a partner is a partner security officer unless `partnerRole` says otherwise. */
export async function makeUser(role: Role, orgCode?: string, partnerRole?: PartnerRole): Promise<TestUser> {
  const email = `${partnerRole ?? role}-${uniq()}@test.example`;
  const { user } = await createUser(CLI_ACTOR, { email, name: `${role} ${uniq()}`, role, orgCode, partnerRole, password: "correct horse battery" });
  const { token } = await createToken(CLI_ACTOR, { userEmail: email, name: "test" });
  return {
    id: user.id,
    email,
    token,
    actor: { type: "user", userId: user.id, email, name: user.name, role, partnerRole: user.partnerRole, orgId: user.orgId, via: "api", ip: "127.0.0.1" },
  };
}

export async function makeEnvironment(opts: { approvalsRequired?: number; production?: boolean; withCa?: boolean; allowPrivateEndpoints?: boolean } = {}) {
  const code = `T${uniq().toUpperCase().replace(/[^A-Z0-9]/g, "X")}`.slice(0, 8);
  const env = await createEnvironment(CLI_ACTOR, { code, name: `Test ${code}`, approvalsRequired: opts.approvalsRequired ?? 1, production: opts.production ?? false, allowPrivateEndpoints: opts.allowPrivateEndpoints ?? false });
  if (opts.withCa !== false) await initCa(CLI_ACTOR, { envCode: code, keyType: "ecdsa-p256" });
  return env;
}

export async function makeOrganisation() {
  const code = `org-${uniq()}`;
  return createOrganisation(CLI_ACTOR, { code, legalName: `${code} Payments AS`, groupEmail: `certs@${code}.test` });
}

/** Two organisations with a partner each, two officers, an admin and a gateway user, in a fresh environment. */
export async function makeWorld(opts: { approvalsRequired?: number; production?: boolean; allowPrivateEndpoints?: boolean } = {}) {
  const env = await makeEnvironment(opts);
  const orgA = await makeOrganisation();
  const orgB = await makeOrganisation();
  const [partnerA, partnerB, officer1, officer2, admin, gateway] = await Promise.all([
    makeUser("partner", orgA.code),
    makeUser("partner", orgB.code),
    makeUser("officer"),
    makeUser("officer"),
    makeUser("admin"),
    makeUser("gateway"),
  ]);
  return { env, orgA, orgB, partnerA, partnerB, officer1, officer2, admin, gateway };
}

/** A fresh key and CSR made by the real openssl CLI. */
export function opensslCsr(subject: string, opts: { key?: "ec" | "rsa2048" | "rsa1024"; sans?: string } = {}): { csr: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), "keyport-csr-"));
  try {
    const newkey =
      opts.key === "rsa2048" ? ["-newkey", "rsa:2048"] : opts.key === "rsa1024" ? ["-newkey", "rsa:1024"] : ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"];
    execFileSync(
      "openssl",
      ["req", "-new", ...newkey, "-nodes", "-keyout", join(dir, "k.pem"), "-out", join(dir, "r.csr"), "-subj", subject, ...(opts.sans ? ["-addext", `subjectAltName=${opts.sans}`] : [])],
      { stdio: "pipe" },
    );
    return { csr: readFileSync(join(dir, "r.csr"), "utf8"), key: readFileSync(join(dir, "k.pem"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

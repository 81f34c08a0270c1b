// The admin CLI. It calls the same services as the web app (no second code
// path) as the trusted "cli" actor, and is written as a function so tests can
// drive it without a subprocess.
import { parseArgs } from "node:util";
import { CLI_ACTOR } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { describeDatabaseError } from "@/lib/db/database-error";
import { createEnvironment } from "@/lib/services/environments/create-environment";
import { createOrganisation } from "@/lib/services/organisations/create-organisation";
import { createUser } from "@/lib/services/users/create-user";
import { setUserPassword } from "@/lib/services/users/set-password";
import { endSessionsOfUser } from "@/lib/services/users/end-sessions";
import { updateUser } from "@/lib/services/users/update-user";
import { disableUser, enableUser } from "@/lib/services/users/set-user-disabled";
import { listUsersPage } from "@/lib/services/users/list-users";
import { resetSecondFactor } from "@/lib/services/auth/mfa-enrollment";
import { updateOrganisation } from "@/lib/services/organisations/update-organisation";
import { disableOrganisation, enableOrganisation } from "@/lib/services/organisations/set-organisation-disabled";
import { createToken } from "@/lib/services/tokens/create-token";
import { revokeToken } from "@/lib/services/tokens/revoke-token";
import { seedDemo } from "@/lib/services/demo/seed-demo";
import { getProfile, importProfile } from "@/lib/services/profiles/profiles";
import { evaluateCsr } from "@/lib/services/csr/evaluate-csr";
import { MAX_CSR_INPUT_BYTES, findings } from "@/lib/pki/csr/findings";
import { initCa } from "@/lib/services/ca/init-ca";
import fs from "node:fs";
import path from "node:path";
import { syncNginxConfig, writeNginxConfig } from "@/lib/services/gateway/nginx-config";
import { refreshEgressConfig, writeEgressConfig } from "@/lib/services/gateway/egress-config";
import { cancelProviderCsr, createProviderCsr } from "@/lib/services/provider-csrs/create-provider-csr";
import { downloadProviderCsrKeyOnce } from "@/lib/services/provider-csrs/download-provider-csr-key";
import { getProviderCsr, listProviderCsrsPage } from "@/lib/services/provider-csrs/read-provider-csrs";
import { createProviderClientCa } from "@/lib/services/provider/init-provider-client-ca";
import { setProviderServerChain } from "@/lib/services/provider/set-provider-server-chain";
import { verifyJwsSignature } from "@/lib/services/jws-keys/verify-jws";
import { setJwsAlgorithms } from "@/lib/services/environments/set-jws-algorithms";
import { createProviderJwsKey } from "@/lib/services/provider-jws-keys/create-provider-jws-key";
import { retireProviderJwsKey } from "@/lib/services/provider-jws-keys/retire-provider-jws-key";
import { downloadProviderKeyOnce, issueProviderCertificate, issueProviderCertificateWithKey } from "@/lib/services/provider/issue-provider-certificate";
import { runJobs } from "@/lib/services/jobs/run-jobs";
import { listJobs } from "@/lib/services/jobs/list-jobs";
import type { ChainReport } from "@/lib/audit/verify-chain";
import { verifyAuditTrail } from "@/lib/services/audit/verify-audit-trail";
import { sealPendingAuditEvents } from "@/lib/audit/seal-audit";
import { createAuditCheckpoint } from "@/lib/services/audit/create-audit-checkpoint";
import { getCheckpointPublicKey } from "@/lib/services/audit/read-audit-checkpoints";
import { MAX_CHECKPOINT_FILE_BYTES } from "@/lib/audit/checkpoint-file";
// Endpoint registry and readiness probe (issue 18, items 5–6)
import { probeOrganisation } from "@/lib/services/endpoints/run-probe";
import { exportEndpoints } from "@/lib/services/endpoints/export-endpoints";
import { listProviderEndpointsPage, publishProviderEndpoint, removeProviderEndpoint } from "@/lib/services/endpoints/provider-endpoints";

import { inviteOrgUser } from "@/lib/services/org-users/invite-org-user";
import { updateEnvironmentSettings } from "@/lib/services/environments/update-environment";
import { publicUrl } from "@/lib/ca/authority";

export const USAGE = `Usage: npm run keyport -- <command> [options]

  db migrate                                  apply pending database migrations
  env create --code PPR --name "Pre-production" --approvals 1 [--production] [--allow-private-endpoints]
            [--min-partner-officers N] [--partner-confirmation]
                                              (a production environment refuses loopback, private and documentation
                                              endpoints unless --allow-private-endpoints)
  env update --code PRD [--min-partner-officers N] [--partner-confirmation on|off]
                                              partner security officers an organisation needs before it may submit
                                              (Mastercard: 2); whether a second one confirms each request
  org create --code acme --name "Acme Payments AS" --email certs@acme.test
  user create --email EMAIL --role partner|officer|admin|gateway [--org CODE] [--name NAME] [--password PW]
            [--partner-role partner_admin|partner_security_officer|viewer]   (partners; default partner_security_officer)
  user invite --email EMAIL --org CODE --partner-role partner_admin|partner_security_officer|viewer [--name NAME]
                                              mail a single-use, expiring invitation link (also printed here)
                                              (a password is generated and printed when omitted)
  user password --email EMAIL [--password PW] reset a password (generated when omitted); ends the user's sessions
  user sessions end --email EMAIL             sign the user out everywhere, at once
  user update --email EMAIL [--name NAME] [--role ROLE] [--org CODE] [--partner-role PARTNER_ROLE]
                                              a role or organisation change ends the user's sessions and revokes
                                              their tokens; the organisation cannot change while they have open requests
  user disable --email EMAIL                  sessions end and API tokens stop at once; nothing is deleted
  user enable --email EMAIL
  user mfa reset --email EMAIL                turn the user's second factors off (TOTP, recovery codes, passkeys; audited); ends their sessions
  user list [--role ROLE] [--org CODE] [--state active|disabled]
  org update --code CODE [--name LEGAL_NAME] [--email GROUP_EMAIL]
  org disable --code CODE                     its users' sessions end and tokens stop; certificates stay (revocable)
  org enable --code CODE
  token create --user EMAIL [--name NAME] [--scopes read,submit,approve,revoke,gateway,admin] [--expires YYYY-MM-DD]
                                              prints only the token on stdout (shown once); all scopes, no expiry by default
  token revoke (--id TOKEN_ID | --token TOKEN)
  demo                                        seed the demo data (idempotent)
  gateway nginx --env PPR --out DIR [--listen 443] [--server-name NAME] [--server-cert FILE] [--server-key FILE] [--upstream URL]
                                              write an nginx mTLS front door: CA chain, CRLs, allowlist, server block, README
  gateway sync --env PPR [--out DIR] [--egress EGRESS_DIR]
                                              renew due CRLs, refresh DIR's CRL file and allowlist (then: nginx -s reload);
                                              exits 1 and writes nothing when no CRL valid beyond now can be produced.
                                              With --egress, also rewrite the egress configuration gateway egress wrote there
  gateway egress --env PPR --out DIR [--listen 127.0.0.1:8443] [--client-key FILE] [--partner-key-dir DIR]
                                              write nginx configuration for the provider's egress proxy: one upstream per
                                              partner with an endorsed server CA chain (mutual TLS, verify on, SNI); run it
                                              again to refresh (files change only when their content does), then nginx -s reload
  ca init-provider-client --env PPR [--key ecdsa-p256|…]
                                              create the environment's provider client CA (apart from the partners' CA)
  provider certificate issue --env PPR --csr FILE
                                              issue the provider's outbound client certificate from a CSR made on the
                                              egress gateway (the key stays there); prints the certificate (PEM)
  provider certificate generate --env PPR --cn NAME
                                              the same with a key Keyport generates and seals; prints the certificate's id
  provider server-chain set --env PPR --chain CA.pem --server SERVER.pem
                                              publish the provider endpoint's certificate and chain to partners (checked first)
  provider endpoint add --env PPR --kind egress_cidr|ingress_url --value VALUE [--note TEXT]
                                              publish one of the provider's egress IP ranges or ingress base URLs
  provider endpoint remove --id ID            withdraw it
  provider endpoint list --env PPR
  endpoints export --env PPR [--format json|csv|nginx]
                                              the confirmed endpoint registry for gateways and firewalls (stdout)
  probe --env PPR --org acme                  run the readiness probe on each confirmed callback URL of the partner;
                                              prints one classified line each (exit 0 all ok, 1 any failure)
  provider key download --id CERT_ID --out FILE.p12   (password from KEYPORT_PKCS12_PASSWORD)
                                              the one download of that key (PKCS#12); Keyport then erases its copy
  env jws-algorithms --code PPR --algorithms RS256,PS256,ES256
                                              the JWS algorithms the environment allows (default all three)
  jws verify --env PPR [--org CODE] (--request FILE | --jws FILE | --headers FILE [--method M] [--url URL] [--body FILE]) [--json]
                                              check a signature with a partner's JWS keys: a Mojaloop request (HTTP/1.1 text
                                              with FSPIOP-Signature) or a compact JWS; says why not (exit 0 verifies, 1 not, 2 usage)
  provider jws generate --env PPR [--alg RS256|PS256|ES256]
                                              a provider JWS key Keyport generates and seals; prints its kid
  provider jws retire --id KEY_ID --at now|ISO-DATE
                                              the date the provider key leaves the published JWKS
  provider csr create --env PPR --org acme (--cn NAME | --csr FILE)
                                              a provider CSR for that partner's CA to sign (Mojaloop): Keyport generates and
                                              seals the key (--cn), or the gateway made it (--csr); prints its id
  provider csr list [--env PPR] [--org acme] [--status awaiting_certificate|active|retired|cancelled]
  provider csr show --id ID                   the partner-signed certificate (PEM) once accepted, else the CSR
  provider csr cancel --id ID                 cancel a CSR still waiting for the partner
  provider csr key download --id ID --out FILE.p12    the Keyport-generated key with the partner-signed certificate, once
  jobs list                                   each background job: schedule, next run, last run, failures
  jobs run                                    periodic work (cron-safe on several instances): renew CRLs that are due,
                                              checkpoint the audit chain's head when it moved
  audit seal                                  seal pending audit events into the chain now (the job engine does it every minute).
  audit verify [--checkpoint FILE]            check the audit trail's keyed hash chain; names the first broken link.
                                              With a checkpoint kept outside the database, also that the trail still
                                              holds it and verifies through it (exit 0 intact, 1 broken, 2 cannot check)
  audit checkpoint [--out FILE]               sign a checkpoint of the audit chain's head (JSON; keep it elsewhere)
  audit checkpoint-key [--out FILE]           the public key that checks checkpoints (PEM, for openssl pkeyutl -verify)

  csr check FILE --org acme --env PPR [--profile mtls-client] [--json]
                                              run exactly a submission's checks: exit 0 accepted, 1 rejected,
                                              2 usage error or cannot check (e.g. database unreachable)
  ca init --env PPR [--key ecdsa-p256|ecdsa-p384|rsa-2048|rsa-3072|rsa-4096]
                                              create the environment's root and issuing CA (default ecdsa-p256)
  profile import FILE                         create or replace a certificate profile from JSON
  profile export CODE                         print a profile as JSON

Database: DATABASE_URL, or the embedded database under .data/ when unset.`;

export type CliIo = { out: (s: string) => void; err: (s: string) => void };

export class UsageError extends Error {}
/** A usage error (exit 2) reported in one line, without the usage text. */
class OneLineUsageError extends Error {}

type OptSpec = Record<string, { type: "string" | "boolean" }>;

function parse(args: string[], spec: OptSpec, required: string[]) {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args, options: spec, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new UsageError((e as Error).message.split("\n")[0]);
  }
  for (const r of required) {
    if (values[r] === undefined || values[r] === "") throw new UsageError(`Missing --${r}.`);
  }
  return values as Record<string, string | undefined> & Record<string, boolean | undefined>;
}

function withPositional(args: string[], name: string, spec: OptSpec = {}, required: string[] = []) {
  let positionals: string[];
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ positionals, values } = parseArgs({ args, options: spec, strict: true, allowPositionals: true }));
  } catch (e) {
    throw new UsageError((e as Error).message.split("\n")[0]);
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `Give one ${name}.` : `Missing ${name}.`);
  for (const r of required) {
    if (values[r] === undefined || values[r] === "") throw new UsageError(`Missing --${r}.`);
  }
  return { positional: positionals[0], values };
}

const onePositional = (args: string[], name: string) => withPositional(args, name).positional;

function readFileOrFail(file: string, maxBytes = 1024 * 1024): Buffer {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new AppError("not_found", `Cannot read ${file}: no such file.`);
  }
  if (!stat.isFile()) throw new AppError("bad_request", `${file} is not a file.`);
  if (stat.size > maxBytes) throw new AppError("too_large", `${file} is ${stat.size} bytes; at most ${maxBytes} are accepted.`);
  return fs.readFileSync(file);
}

function readJsonFile(file: string): unknown {
  const text = readFileOrFail(file).toString("utf8");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AppError("bad_request", `${file} is not valid JSON: ${(e as Error).message}.`);
  }
}

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

type Command = (args: string[], io: CliIo, ctx: CliContext) => Promise<number>;
export type CliContext = { migrate: () => Promise<string[]> };

const COMMANDS: Record<string, Command> = {
  "db migrate": async (args, io, ctx) => {
    parse(args, {}, []);
    const applied = await ctx.migrate();
    io.err(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(", ")}` : "The database is up to date.");
    return 0;
  },
  "env create": async (args, io) => {
    const v = parse(
      args,
      { code: { type: "string" }, name: { type: "string" }, approvals: { type: "string" }, production: { type: "boolean" }, "allow-private-endpoints": { type: "boolean" }, "min-partner-officers": { type: "string" }, "partner-confirmation": { type: "boolean" } },
      ["code", "name", "approvals"],
    );
    const env = await createEnvironment(CLI_ACTOR, {
      code: str(v.code)!,
      name: str(v.name)!,
      approvalsRequired: str(v.approvals)!,
      production: v.production === true,
      allowPrivateEndpoints: v["allow-private-endpoints"] === true,
      minPartnerOfficers: str(v["min-partner-officers"]) ?? 1,
      partnerConfirmation: v["partner-confirmation"] === true,
    });
    io.err(
      `Created environment ${env.code} (${env.name}), ${env.approvalsRequired} approval(s)${env.production ? ", production" : ""}; ${env.minPartnerOfficers} partner security officer(s) required${env.partnerConfirmation ? ", a second one confirms each request" : ""}.`,
    );
    return 0;
  },
  "env update": async (args, io) => {
    const v = parse(args, { code: { type: "string" }, "min-partner-officers": { type: "string" }, "partner-confirmation": { type: "string" } }, ["code"]);
    const flag = str(v["partner-confirmation"]);
    if (flag !== undefined && flag !== "on" && flag !== "off") throw new AppError("validation_failed", "--partner-confirmation is on or off.");
    const r = await updateEnvironmentSettings(CLI_ACTOR, { code: str(v.code)!, minPartnerOfficers: str(v["min-partner-officers"]), partnerConfirmation: flag === undefined ? undefined : flag === "on" });
    io.err(`${r.changed ? "Updated" : "Nothing to change for"} ${r.code}: ${r.minPartnerOfficers} partner security officer(s) required; partner confirmation ${r.partnerConfirmation ? "on" : "off"}.`);
    return 0;
  },
  "user invite": async (args, io) => {
    const v = parse(args, { email: { type: "string" }, org: { type: "string" }, "partner-role": { type: "string" }, name: { type: "string" } }, ["email", "org", "partner-role"]);
    const r = await inviteOrgUser(CLI_ACTOR, { email: str(v.email), orgCode: str(v.org), partnerRole: str(v["partner-role"]), name: str(v.name) });
    io.err(`Invited ${r.email} to ${r.organisation} as ${r.partnerRole}; the mail is in the outbox. The link works once, until ${r.expiresAt.toISOString()}.`);
    // For installations without SMTP: the operator hands the link over themselves.
    if (r.link) io.out(`${publicUrl()}${r.link}`);
    return 0;
  },
  "org create": async (args, io) => {
    const v = parse(args, { code: { type: "string" }, name: { type: "string" }, email: { type: "string" } }, ["code", "name", "email"]);
    const org = await createOrganisation(CLI_ACTOR, { code: str(v.code)!, legalName: str(v.name)!, groupEmail: str(v.email)! });
    io.err(`Created organisation ${org.code} (${org.legalName}).`);
    return 0;
  },
  "user create": async (args, io) => {
    const v = parse(
      args,
      { email: { type: "string" }, role: { type: "string" }, org: { type: "string" }, name: { type: "string" }, password: { type: "string" }, "partner-role": { type: "string" } },
      ["email", "role"],
    );
    const { user, generatedPassword } = await createUser(CLI_ACTOR, {
      email: str(v.email)!,
      role: str(v.role) as "partner",
      orgCode: str(v.org),
      name: str(v.name),
      password: str(v.password),
      partnerRole: str(v["partner-role"]) as "viewer" | undefined,
    });
    io.err(`Created ${user.role} ${user.email}${user.partnerRole ? ` (${user.partnerRole})` : ""}.`);
    if (generatedPassword) io.out(`Password (shown once): ${generatedPassword}`);
    return 0;
  },
  "user password": async (args, io) => {
    const v = parse(args, { email: { type: "string" }, password: { type: "string" } }, ["email"]);
    const { generatedPassword } = await setUserPassword(CLI_ACTOR, { email: str(v.email)!, password: str(v.password) });
    io.err(`Password changed for ${str(v.email)}.`);
    if (generatedPassword) io.out(`Password (shown once): ${generatedPassword}`);
    return 0;
  },
  "user sessions end": async (args, io) => {
    const v = parse(args, { email: { type: "string" } }, ["email"]);
    const r = await endSessionsOfUser(CLI_ACTOR, { email: str(v.email)! });
    io.err(`Ended ${r.ended} open session(s) of ${r.email}.`);
    return 0;
  },
  "user update": async (args, io) => {
    const v = parse(args, { email: { type: "string" }, name: { type: "string" }, role: { type: "string" }, org: { type: "string" }, "partner-role": { type: "string" } }, ["email"]);
    const r = await updateUser(CLI_ACTOR, { user: { email: str(v.email)! }, name: str(v.name), role: str(v.role), orgCode: str(v.org), partnerRole: str(v["partner-role"]) });
    io.err(
      r.changed.length
        ? `Updated ${r.email}: ${r.changed.join(", ")}.${r.sessionsEnded || r.tokensRevoked ? ` Ended ${r.sessionsEnded} session(s), revoked ${r.tokensRevoked} API token(s).` : ""}`
        : `Nothing to change for ${r.email}.`,
    );
    return 0;
  },
  "user disable": async (args, io) => {
    const v = parse(args, { email: { type: "string" } }, ["email"]);
    const r = await disableUser(CLI_ACTOR, { user: { email: str(v.email)! } });
    io.err(`Disabled ${r.email}; ended ${r.sessionsEnded} session(s). Their API tokens are refused from now on.`);
    return 0;
  },
  "user enable": async (args, io) => {
    const v = parse(args, { email: { type: "string" } }, ["email"]);
    const r = await enableUser(CLI_ACTOR, { user: { email: str(v.email)! } });
    io.err(`Enabled ${r.email}.`);
    return 0;
  },
  "user mfa reset": async (args, io) => {
    const v = parse(args, { email: { type: "string" } }, ["email"]);
    const r = await resetSecondFactor(CLI_ACTOR, { user: { email: str(v.email)! } });
    io.err(`Reset the second factor of ${r.email}; ended ${r.sessionsEnded} session(s). They set up a new one at their next sign-in.`);
    return 0;
  },
  "user list": async (args, io) => {
    const v = parse(args, { role: { type: "string" }, org: { type: "string" }, state: { type: "string" } }, []);
    // Every user: one keyset page at a time, following nextCursor.
    for (let cursor: string | undefined, pages = 0; pages === 0 || cursor; pages++) {
      const page = await listUsersPage(CLI_ACTOR, { role: str(v.role), organisation: str(v.org), state: str(v.state), limit: 1000, cursor });
      for (const u of page.users) io.out([u.email, u.partnerRole ?? u.role, u.org?.code ?? "-", u.disabled ? "disabled" : "active", u.name].join("\t"));
      cursor = page.nextCursor ?? undefined;
    }
    return 0;
  },
  "org update": async (args, io) => {
    const v = parse(args, { code: { type: "string" }, name: { type: "string" }, email: { type: "string" } }, ["code"]);
    const r = await updateOrganisation(CLI_ACTOR, { organisation: { code: str(v.code)! }, legalName: str(v.name), groupEmail: str(v.email) });
    io.err(r.changed.length ? `Updated organisation ${r.code}: ${r.changed.join(", ")}.` : `Nothing to change for ${r.code}.`);
    return 0;
  },
  "org disable": async (args, io) => {
    const v = parse(args, { code: { type: "string" } }, ["code"]);
    const r = await disableOrganisation(CLI_ACTOR, { organisation: { code: str(v.code)! } });
    io.err(`Disabled organisation ${r.code}; ended ${r.sessionsEnded} session(s). Its users' API tokens are refused; its certificates stay and can be revoked.`);
    return 0;
  },
  "org enable": async (args, io) => {
    const v = parse(args, { code: { type: "string" } }, ["code"]);
    const r = await enableOrganisation(CLI_ACTOR, { organisation: { code: str(v.code)! } });
    io.err(`Enabled organisation ${r.code}.`);
    return 0;
  },
  "token create": async (args, io) => {
    const v = parse(args, { user: { type: "string" }, name: { type: "string" }, scopes: { type: "string" }, expires: { type: "string" } }, ["user"]);
    const t = await createToken(CLI_ACTOR, { userEmail: str(v.user)!, name: str(v.name), scopes: str(v.scopes), expiresAt: str(v.expires) });
    io.out(t.token);
    io.err(`Created API token ${t.prefix}… (id ${t.id}) for ${str(v.user)}. It is shown once; store it now.`);
    return 0;
  },
  "token revoke": async (args, io) => {
    const v = parse(args, { id: { type: "string" }, token: { type: "string" } }, []);
    if (!!v.id === !!v.token) throw new UsageError("Give exactly one of --id or --token.");
    const r = await revokeToken(CLI_ACTOR, v.id ? { id: str(v.id)! } : { token: str(v.token)! });
    io.err(`Revoked API token ${r.prefix}… (id ${r.id}).`);
    return 0;
  },
  "csr check": async (args, io) => {
    const spec: OptSpec = { org: { type: "string" }, env: { type: "string" }, profile: { type: "string" }, json: { type: "boolean" } };
    const { positional: file, values: v } = withPositional(args, "FILE", spec, ["org", "env"]);
    // Exit 1 means "rejected": a check that could not run at all (missing file, unknown
    // organisation, environment or profile) is a usage error, exit 2, so scripts never mistake it.
    const usage = (e: unknown): never => {
      throw e instanceof AppError ? new OneLineUsageError(e.message) : e;
    };
    let bytes: Buffer | null = null;
    try {
      bytes = readFileOrFail(file, 1024 * 1024);
    } catch (e) {
      if (!(e instanceof AppError && e.code === "too_large")) usage(e);
    }
    if (!bytes || bytes.length > MAX_CSR_INPUT_BYTES) {
      // The same finding a submission gets (HTTP 413 there).
      const finding = findings.tooLarge(bytes?.length ?? fs.statSync(file).size);
      const check = { code: `csr.${finding.code}`, result: "fail" as const, message: finding.message };
      if (v.json) io.out(JSON.stringify({ accepted: false, profile: str(v.profile) ?? "mtls-client", checks: [check], csr: null }, null, 2));
      else io.out(`FAIL  ${check.code.padEnd(16)} ${finding.message}\nRejected.`);
      return 1;
    }
    const r = await evaluateCsr(CLI_ACTOR, { csr: new Uint8Array(bytes), orgCode: str(v.org)!, envCode: str(v.env)!, profileCode: str(v.profile) }).catch(usage);
    if (v.json) {
      io.out(JSON.stringify({ accepted: r.accepted, profile: r.profile.code, checks: r.checks, csr: r.csr }, null, 2));
    } else {
      if (r.csr) io.out(`Subject: ${r.csr.subject}\nKey: ${r.csr.keyType}\nSignature: ${r.csr.signatureAlgorithm}\nPublic key SHA-256: ${r.csr.publicKeyFingerprint}`);
      const width = Math.max(16, ...r.checks.map((c) => c.code.length));
      for (const c of r.checks) io.out(`${c.result.toUpperCase().padEnd(4)}  ${c.code.padEnd(width)} ${c.message}`);
      io.out(r.accepted ? `Accepted under profile ${r.profile.code} for ${r.org.code} in ${r.env.code}.` : "Rejected.");
    }
    return r.accepted ? 0 : 1;
  },
  "ca init": async (args, io) => {
    const v = parse(args, { env: { type: "string" }, key: { type: "string" } }, ["env"]);
    const r = await initCa(CLI_ACTOR, { envCode: str(v.env)!, keyType: str(v.key) as "ecdsa-p256" | undefined });
    io.err(`Created CAs for ${str(v.env)}:\n  root     ${r.root.subject} (serial ${r.root.serialHex}, until ${r.root.notAfter.toISOString().slice(0, 10)})\n  issuing  ${r.issuing.subject} (serial ${r.issuing.serialHex}, until ${r.issuing.notAfter.toISOString().slice(0, 10)})`);
    return 0;
  },
  "profile import": async (args, io) => {
    const file = onePositional(args, "FILE");
    const definition = readJsonFile(file);
    const r = await importProfile(CLI_ACTOR, definition);
    io.err(`${r.created ? "Created" : "Updated"} profile ${r.profile.code} (${r.profile.name}).`);
    return 0;
  },
  "profile export": async (args, io) => {
    const code = onePositional(args, "CODE");
    io.out(JSON.stringify(await getProfile(CLI_ACTOR, code), null, 2));
    return 0;
  },
  "gateway nginx": async (args, io) => {
    const spec: OptSpec = {
      env: { type: "string" },
      out: { type: "string" },
      listen: { type: "string" },
      "server-name": { type: "string" },
      "server-cert": { type: "string" },
      "server-key": { type: "string" },
      upstream: { type: "string" },
    };
    const v = parse(args, spec, ["env", "out"]);
    const listen = str(v.listen) ?? "443";
    if (!/^(\[[0-9a-fA-F:.]+\]:|[0-9.]+:|[\w.-]+:)?\d{1,5}$/.test(listen)) throw new UsageError(`--listen takes a port or address:port, not "${listen}".`);
    const upstream = str(v.upstream);
    if (upstream && !/^https?:\/\/[^\s;{}]+$/.test(upstream)) throw new UsageError(`--upstream takes an http(s) URL, not "${upstream}".`);
    const serverName = str(v["server-name"]) ?? "_";
    if (!/^[\w.*-]+$/.test(serverName)) throw new UsageError(`--server-name takes a host name, not "${serverName}".`);
    const dir = path.resolve(str(v.out)!);
    const r = await writeNginxConfig(CLI_ACTOR, {
      envCode: str(v.env)!,
      outDir: dir,
      listen,
      serverName,
      serverCert: path.resolve(str(v["server-cert"]) ?? path.join(dir, "server.crt")),
      serverKey: path.resolve(str(v["server-key"]) ?? path.join(dir, "server.key")),
      upstream,
    });
    printCrlRenewal(r, io);
    io.out(`Wrote ${r.files.join(", ")} to ${r.dir} (${r.entries} allowlist entries; CRLs #${r.crlNumbers.issuing} issuing, #${r.crlNumbers.root} root, valid until ${r.crlNextUpdate.toISOString()}).`);
    io.err(`Next: read ${path.join(r.dir, "README.md")}, then include ${path.join(r.dir, "server.conf")} from nginx's http block.`);
    return 0;
  },
  "gateway egress": async (args, io) => {
    const v = parse(args, { env: { type: "string" }, out: { type: "string" }, listen: { type: "string" }, "client-key": { type: "string" }, "partner-key-dir": { type: "string" } }, ["env", "out"]);
    const listen = str(v.listen) ?? "127.0.0.1:8443";
    if (!/^(\[[0-9a-fA-F:.]+\]:|[0-9.]+:|[\w.-]+:)?\d{1,5}$/.test(listen)) throw new UsageError(`--listen takes a port or address:port, not "${listen}".`);
    const dir = path.resolve(str(v.out)!);
    const r = await writeEgressConfig(CLI_ACTOR, {
      envCode: str(v.env)!,
      outDir: dir,
      listen,
      keyFile: path.resolve(str(v["client-key"]) ?? path.join(dir, "provider-client.key")),
      partnerKeyDir: str(v["partner-key-dir"]) ? path.resolve(str(v["partner-key-dir"])!) : undefined,
    });
    printEgress(r, io);
    io.err(`Next: include ${path.join(r.dir, "egress.conf")} from nginx's http block, then nginx -s reload.`);
    return 0;
  },
  "ca init-provider-client": async (args, io) => {
    const v = parse(args, { env: { type: "string" }, key: { type: "string" } }, ["env"]);
    const ca = await createProviderClientCa(CLI_ACTOR, { envCode: str(v.env)!, keyType: str(v.key) });
    io.out(`Created ${ca.subject} (serial ${ca.serialHex}, valid until ${ca.notAfter.toISOString()}).`);
    return 0;
  },
  "provider certificate issue": async (args, io) => {
    const v = parse(args, { env: { type: "string" }, csr: { type: "string" } }, ["env", "csr"]);
    const r = await issueProviderCertificate(CLI_ACTOR, { environment: str(v.env)!, csr: readFileOrFail(str(v.csr)!, 64 * 1024).toString("utf8") });
    if (r.status === "pending") return printPendingIssuance(r, io);
    const { getDb } = await import("@/lib/db/client");
    const row = await getDb().certificate.findUniqueOrThrow({ where: { id: r.id }, select: { der: true } });
    const { pemEncode } = await import("@/lib/pki/pem");
    io.out(pemEncode("CERTIFICATE", new Uint8Array(row.der)).trimEnd());
    io.err(`Issued ${r.subject} (serial ${r.serial}, valid until ${r.notAfter.toISOString()}).`);
    return 0;
  },
  "provider certificate generate": async (args, io) => {
    const v = parse(args, { env: { type: "string" }, cn: { type: "string" } }, ["env", "cn"]);
    const r = await issueProviderCertificateWithKey(CLI_ACTOR, { environment: str(v.env)!, commonName: str(v.cn)! });
    if (r.status === "pending") return printPendingIssuance(r, io);
    io.out(r.id);
    io.err(`Issued ${r.subject} (serial ${r.serial}, valid until ${r.notAfter.toISOString()}); its key is sealed until: npm run keyport -- provider key download --id ${r.id} --out FILE.p12`);
    return 0;
  },
  "provider server-chain set": async (args, io) => {
    const v = parse(args, { env: { type: "string" }, chain: { type: "string" }, server: { type: "string" } }, ["env", "chain", "server"]);
    const r = await setProviderServerChain(CLI_ACTOR, { environment: str(v.env)!, chain: readFileOrFail(str(v.chain)!, 64 * 1024).toString("utf8"), server: readFileOrFail(str(v.server)!, 64 * 1024).toString("utf8") });
    for (const c of r.certificates) io.out(`${c.role.padEnd(12)} ${c.sha256Fingerprint}  ${c.subject}`);
    io.err(`Published for ${r.environment} (${r.hosts.join(", ")}).`);
    return 0;
  },
  "provider endpoint add": async (args, io) => {
    const v = parse(args, { env: { type: "string" }, kind: { type: "string" }, value: { type: "string" }, note: { type: "string" } }, ["env", "kind", "value"]);
    const r = await publishProviderEndpoint(CLI_ACTOR, { environment: str(v.env)!, kind: str(v.kind)!, value: str(v.value)!, note: str(v.note) });
    io.out(r.id);
    io.err(`Published ${r.kind} ${r.value}${r.findings.length ? ` (${r.findings.map((f) => f.message).join(" ")})` : ""}.`);
    return 0;
  },
  "provider endpoint remove": async (args, io) => {
    const v = parse(args, { id: { type: "string" } }, ["id"]);
    const r = await removeProviderEndpoint(CLI_ACTOR, str(v.id)!);
    io.err(`Withdrew ${r.kind} ${r.value}.`);
    return 0;
  },
  "provider endpoint list": async (args, io) => {
    const v = parse(args, { env: { type: "string" } }, ["env"]);
    // Every entry: one keyset page at a time, following nextCursor.
    for (let cursor: string | undefined, pages = 0; pages === 0 || cursor; pages++) {
      const page = await listProviderEndpointsPage(CLI_ACTOR, str(v.env)!, { limit: 500, cursor });
      for (const e of page.endpoints) io.out(`${e.id}  ${e.kind.padEnd(11)}  ${e.value}`);
      cursor = page.nextCursor ?? undefined;
    }
    return 0;
  },
  "endpoints export": async (args, io) => {
    const v = parse(args, { env: { type: "string" }, format: { type: "string" } }, ["env"]);
    const file = await exportEndpoints(CLI_ACTOR, str(v.env)!, str(v.format) ?? "json");
    io.out(String(file.body).replace(/\r?\n$/, ""));
    return 0;
  },
  probe: async (args, io) => {
    const v = parse(args, { env: { type: "string" }, org: { type: "string" } }, ["env", "org"]);
    const r = await probeOrganisation(CLI_ACTOR, str(v.env)!, str(v.org)!);
    for (const p of r.results) io.out(`${(p.outcome + (p.httpStatus ? ` ${p.httpStatus}` : "")).padEnd(24)} ${String(p.timings.totalMs).padStart(6)} ms  ${p.url}  ${p.message}`);
    return r.results.every((p) => p.outcome === "ok") ? 0 : 1;
  },
  // JWS signing keys (issue 18)
  "env jws-algorithms": async (args, io) => {
    const v = parse(args, { code: { type: "string" }, algorithms: { type: "string" } }, ["code", "algorithms"]);
    const r = await setJwsAlgorithms(CLI_ACTOR, { environment: str(v.code)!, algorithms: str(v.algorithms)!.split(",").map((a) => a.trim()).filter(Boolean) });
    io.err(`${r.environment} allows ${r.jwsAlgorithms.join(", ")} for JWS keys.`);
    return 0;
  },
  "jws verify": async (args, io) => {
    const v = parse(args, { env: { type: "string" }, org: { type: "string" }, request: { type: "string" }, jws: { type: "string" }, headers: { type: "string" }, method: { type: "string" }, url: { type: "string" }, body: { type: "string" }, json: { type: "boolean" } }, ["env"]);
    const sources = [v.request, v.jws, v.headers].filter((x) => typeof x === "string" && x);
    if (sources.length !== 1) throw new UsageError("Give exactly one of --request FILE, --jws FILE or --headers FILE.");
    const text = (file: unknown) => (typeof file === "string" && file ? readFileOrFail(file, 128 * 1024).toString("utf8") : undefined);
    const r = await verifyJwsSignature(CLI_ACTOR, {
      environment: str(v.env)!,
      organisation: str(v.org),
      request: text(v.request),
      jws: text(v.jws),
      headers: text(v.headers),
      method: str(v.method),
      url: str(v.url),
      body: text(v.body),
    });
    if (v.json) io.out(JSON.stringify(r, null, 2));
    else {
      for (const c of r.checks) io.out(`${c.result.padEnd(4)}  ${c.code.padEnd(24)} ${c.message}`);
      io.out(r.verified ? `VERIFIED: ${r.message}` : `NOT VERIFIED (${r.reason}${r.header ? `: ${r.header}` : ""}): ${r.message}`);
    }
    return r.verified ? 0 : 1;
  },
  "provider jws generate": async (args, io) => {
    const v = parse(args, { env: { type: "string" }, alg: { type: "string" } }, ["env"]);
    const r = await createProviderJwsKey(CLI_ACTOR, { environment: str(v.env)!, generate: true, alg: str(v.alg) });
    io.out(r.kid);
    io.err(`Generated ${r.key} for ${r.alg} in ${r.environment} (id ${r.id}); its private key is sealed in Keyport. Partners fetch /.well-known/jwks/${r.environment}/provider.json.`);
    return 0;
  },
  "provider jws retire": async (args, io) => {
    const v = parse(args, { id: { type: "string" }, at: { type: "string" } }, ["id", "at"]);
    const r = await retireProviderJwsKey(CLI_ACTOR, str(v.id)!, { retireAt: str(v.at)! });
    io.out(`${r.kid} retires at ${r.retireAt!.toISOString()}.`);
    return 0;
  },
  "provider key download": (args, io) => downloadKeyOnce(args, io, downloadProviderKeyOnce),
  "provider csr key download": (args, io) => downloadKeyOnce(args, io, downloadProviderCsrKeyOnce),
  "gateway sync": async (args, io) => {
    const v = parse(args, { env: { type: "string" }, out: { type: "string" }, egress: { type: "string" } }, ["env"]);
    if (!str(v.out) && !str(v.egress)) throw new UsageError("Missing --out (the nginx front door's directory) or --egress (the egress gateway's directory), or both.");
    if (str(v.out)) {
      const r = await syncNginxConfig(CLI_ACTOR, { envCode: str(v.env)!, outDir: str(v.out)! });
      printCrlRenewal(r, io);
      io.out(r.changed.length ? `Updated ${r.changed.join(" and ")} in ${r.dir}; reload nginx (nginx -s reload).` : `No change in ${r.dir}.`);
    }
    if (str(v.egress)) printEgress(await refreshEgressConfig(CLI_ACTOR, { envCode: str(v.env)!, outDir: str(v.egress)! }), io);
    return 0;
  },
  "provider csr create": async (args, io) => {
    const v = parse(args, { env: { type: "string" }, org: { type: "string" }, cn: { type: "string" }, csr: { type: "string" } }, ["env", "org"]);
    if (!str(v.cn) === !str(v.csr)) throw new UsageError("Give --cn NAME (Keyport generates the key) or --csr FILE (made on the gateway), one of the two.");
    const r = await createProviderCsr(CLI_ACTOR, { environment: str(v.env)!, organisation: str(v.org)!, commonName: str(v.cn), csr: str(v.csr) ? readFileOrFail(str(v.csr)!, 64 * 1024).toString("utf8") : undefined });
    io.out(r.id);
    io.err(`Created the provider CSR ${r.subject} for ${r.organisation} in ${r.environment}; the partner downloads it from its exchange page, signs it with its CA and uploads the certificate.`);
    return 0;
  },
  "provider csr list": async (args, io) => {
    const v = parse(args, { env: { type: "string" }, org: { type: "string" }, status: { type: "string" } }, []);
    // Every CSR: one keyset page at a time, following nextCursor.
    for (let cursor: string | undefined, pages = 0; pages === 0 || cursor; pages++) {
      const page = await listProviderCsrsPage(CLI_ACTOR, { environment: str(v.env), organisation: str(v.org), status: str(v.status), limit: 500, cursor });
      for (const c of page.csrs) {
        io.out(`${c.id}  ${c.environment.padEnd(8)} ${c.organisation.padEnd(16)} ${c.status.padEnd(20)} ${c.certificate?.notAfter ? `until ${c.certificate.notAfter.toISOString().slice(0, 10)}` : "-"}  ${c.subject}`);
      }
      cursor = page.nextCursor ?? undefined;
    }
    return 0;
  },
  "provider csr show": async (args, io) => {
    const v = parse(args, { id: { type: "string" } }, ["id"]);
    const c = await getProviderCsr(CLI_ACTOR, str(v.id)!);
    io.out((c.certificate?.pem ?? c.csrPem).trimEnd());
    io.err(`${c.status}: ${c.subject} (${c.organisation}, ${c.environment})`);
    return 0;
  },
  "provider csr cancel": async (args, io) => {
    const v = parse(args, { id: { type: "string" } }, ["id"]);
    const c = await cancelProviderCsr(CLI_ACTOR, str(v.id)!);
    io.out(`Cancelled ${c.id} (${c.subject}).`);
    return 0;
  },
  "jobs run": async (args, io) => {
    parse(args, {}, []);
    const r = await runJobs(CLI_ACTOR);
    for (const c of r.crls) io.out(`${c.action === "renewed" ? "renewed" : "fresh  "}  CRL #${c.number ?? "-"}  ${c.environment} ${c.kind}  ${c.ca}`);
    for (const l of r.listeners) io.out(`${l.action === "renewed" ? "renewed" : "fresh  "}  connectivity listener certificate ${l.serial}  ${l.environment}`);
    const cp = r.checkpoint;
    if (cp) io.out(cp.action === "created" ? `created  audit checkpoint of event #${cp.seq}` : `fresh    audit checkpoint${cp.seq ? ` of event #${cp.seq}` : ""} (the head has not moved)`);
    io.err(`${r.crls.filter((c) => c.action === "renewed").length} CRL(s) renewed, ${r.crls.filter((c) => c.action === "fresh").length} still fresh.`);
    return 0;
  },
  "audit verify": async (args, io) => {
    const v = parse(args, { checkpoint: { type: "string" } }, []);
    const file = str(v.checkpoint);
    // A checkpoint that cannot be read is "cannot check" (exit 2), never "broken".
    const checkpointFile = file !== undefined ? readCheckpointOrFail(file) : undefined;
    const r = await verifyAuditTrail(CLI_ACTOR, { checkpointFile, checkpointName: file }).catch((e: unknown) => {
      throw e instanceof AppError && e.code !== "internal" ? new OneLineUsageError(e.message) : e;
    });
    return printChainReport(r, io);
  },
  "audit seal": async (args, io) => {
    parse(args, {}, []);
    const r = await sealPendingAuditEvents({ wait: true });
    io.out(`Sealed ${r?.sealed ?? 0} pending audit event(s) into the chain${r?.refused ? `; ${r.refused} refused (their MAC does not hold: run keyport audit verify)` : ""}.`);
    return r?.refused ? 1 : 0;
  },
  "jobs list": async (args, io) => {
    parse(args, {}, []);
    for (const j of await listJobs(CLI_ACTOR)) {
      const last = j.runs[0];
      io.out(`${j.name.padEnd(18)} ${(j.cron ?? "on demand").padEnd(14)} next ${j.nextRun ? j.nextRun.toISOString() : "-"}  last ${last ? `${last.state} ${(last.completedAt ?? last.startedAt ?? last.createdAt).toISOString()}${last.error ? ` (${last.error})` : ""}` : "never"}  failures/24h ${j.failures24h}  waiting ${j.waiting}`);
    }
    return 0;
  },
  "audit checkpoint": async (args, io) => {
    const v = parse(args, { out: { type: "string" } }, []);
    const out = str(v.out);
    // The file is claimed before the checkpoint is made, so a name in use records nothing.
    const fd = out === undefined ? null : openNewFile(out);
    try {
      const cp = await createAuditCheckpoint(CLI_ACTOR, "cli");
      if (fd === null) io.out(cp.body.trimEnd());
      else fs.writeSync(fd, cp.body);
      io.err(`Signed a checkpoint of event #${cp.checkpoint.seq}${out ? ` into ${out}` : ""}. Keep it outside Keyport's database; check the trail against it with: keyport audit verify --checkpoint FILE`);
    } catch (e) {
      if (fd !== null) fs.rmSync(out!, { force: true });
      throw e;
    } finally {
      if (fd !== null) fs.closeSync(fd);
    }
    return 0;
  },
  "audit checkpoint-key": async (args, io) => {
    const v = parse(args, { out: { type: "string" } }, []);
    const key = getCheckpointPublicKey(CLI_ACTOR);
    const out = str(v.out);
    if (out === undefined) io.out(key.body.trimEnd());
    else {
      const fd = openNewFile(out);
      try {
        fs.writeSync(fd, key.body);
      } finally {
        fs.closeSync(fd);
      }
    }
    io.err(`Checkpoint public key, SHA-256 ${key.sha256}${out ? `, written to ${out}` : ""}.`);
    return 0;
  },
  demo: async (args, io) => {
    parse(args, {}, []);
    const r = await seedDemo(CLI_ACTOR);
    printDemo(r, io);
    return 0;
  },
};

function readCheckpointOrFail(file: string): Buffer {
  try {
    return readFileOrFail(file, MAX_CHECKPOINT_FILE_BYTES);
  } catch (e) {
    throw e instanceof AppError ? new OneLineUsageError(e.message) : e;
  }
}

/** Open a file that must not exist yet (a checkpoint is never overwritten by mistake). */
function openNewFile(file: string): number {
  try {
    return fs.openSync(file, "wx");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new OneLineUsageError(code === "EEXIST" ? `${file} exists already; choose another name.` : `Cannot write ${file}: ${code ?? (e as Error).message}.`);
  }
}

/** `audit verify`'s lines and exit code: 0 intact, 1 broken, 2 not checked (no key, another key, a checkpoint that does not verify). */
export function printChainReport(r: ChainReport, io: CliIo): number {
  if (r.ok) {
    io.out(`Audit trail intact: ${r.rows} event(s), every hash and link verified${r.head ? `; head #${r.head.seq} ${r.head.hash}` : ""}.`);
    io.err(
      `Seal lag: ${r.pending.count} event(s) recorded and not sealed yet${r.pending.oldestAgeMs !== null ? `, the oldest for ${(r.pending.oldestAgeMs / 1000).toFixed(1)} s` : ""} (bound ${r.pending.maxLagMs / 1000} s); every pending event's MAC verified.`,
    );
    if (r.legacyRows) {
      io.out(
        r.keyedFrom
          ? `${r.legacyRows} of them are legacy events (unkeyed SHA-256, written before the keyed chain), sealed by keyed event #${r.keyedFrom}.`
          : `All ${r.legacyRows} are legacy events (unkeyed SHA-256): no keyed event seals them yet, so whoever can write the database could have rewritten them.`,
      );
    }
    if (r.checkpoint) io.out(`Checkpoint of ${r.checkpoint.at} verified: its signature holds, event #${r.checkpoint.seq} has its hash, and the chain holds from it to the head.`);
    else io.err("Without --checkpoint FILE, the newest events deleted together with a rolled-back head cannot be seen: check against a checkpoint kept outside the database.");
    return 0;
  }
  if (r.unverifiable) {
    io.err(`Audit trail NOT VERIFIED after ${r.verified} verified event(s): ${r.brokenAt} — ${r.reason}`);
    return 2;
  }
  io.err(`Audit trail BROKEN after ${r.verified} verified event(s): ${r.brokenAt} — ${r.reason}`);
  return 1;
}

/** What `gateway nginx|sync` renewed before writing, and why it could not (a warning while the current CRLs are valid). */
/** The one download of a key Keyport generated (provider certificate or provider CSR), password from KEYPORT_PKCS12_PASSWORD. */
async function downloadKeyOnce(args: string[], io: CliIo, take: (actor: typeof CLI_ACTOR, id: string, input: { password: string }) => Promise<{ body: Uint8Array }>) {
  const v = parse(args, { id: { type: "string" }, out: { type: "string" } }, ["id", "out"]);
  const password = process.env.KEYPORT_PKCS12_PASSWORD ?? "";
  if (!password) throw new UsageError("Set KEYPORT_PKCS12_PASSWORD to the PKCS#12 password (8 to 128 printable ASCII characters); it is never taken from the command line.");
  const target = path.resolve(str(v.out)!);
  const fd = openNewFile(target);
  try {
    const file = await take(CLI_ACTOR, str(v.id)!, { password });
    fs.writeSync(fd, file.body);
    fs.closeSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(target, { force: true }); // no empty file left behind
    throw e;
  }
  io.out(`Wrote ${target}; Keyport no longer holds this key.`);
  return 0;
}

/** An issuance that waits for more officers (the environment's dual control): exit 0, the request id on stdout. */
function printPendingIssuance(r: { requestId: string; subject: string; approvals: number; approvalsRequired: number }, io: CliIo) {
  io.out(r.requestId);
  io.err(`${r.subject}: ${r.approvals} of ${r.approvalsRequired} approvals; further officers approve it (web or POST /api/v1/provider-certificate-requests/${r.requestId}/approve), then it is issued.`);
  return 0;
}

function printEgress(r: { dir: string; changed: string[]; partners: string[]; skipped: { organisation: string; why: string }[]; certificate: { serial: string; notAfter: Date } | null; partnerCertificates: Record<string, string> }, io: CliIo) {
  for (const s of r.skipped) io.err(`skipped ${s.organisation}: ${s.why}`);
  const own = Object.keys(r.partnerCertificates);
  io.out(
    `${r.changed.length ? `Wrote ${r.changed.join(", ")}` : "No change"} in ${r.dir}: ${r.partners.length} partner(s) (${r.partners.join(", ") || "none"}), ` +
      `${r.certificate ? `provider client certificate ${r.certificate.serial} valid until ${r.certificate.notAfter.toISOString()}` : "no provider client CA certificate"}` +
      `${own.length ? `; partner-signed certificates for ${own.join(", ")}` : ""}.`,
  );
}

function printCrlRenewal(r: { renewed: { kind: string; number: string }[]; warnings: string[] }, io: CliIo) {
  for (const c of r.renewed) io.err(`Renewed the ${c.kind} CA's CRL (#${c.number}); it was due.`);
  for (const w of r.warnings) io.err(`Warning: ${w}`);
}

export function printDemo(r: Awaited<ReturnType<typeof seedDemo>>, io: CliIo) {
  if (r.created.length) io.err(`Demo data created: ${r.created.join(", ")}.`);
  else io.err("Demo data already present; nothing changed.");
  if (r.passwords.length) {
    io.out("Demo accounts (passwords are shown once — note them now):");
    for (const p of r.passwords) io.out(`  ${p.role.padEnd(24)} ${p.email.padEnd(24)} ${p.password}${p.totpSecret ? `  TOTP secret ${p.totpSecret}` : ""}`);
    if (r.passwords.some((p) => p.totpSecret)) {
      io.out("Officers and the admin also type a 6-digit code: add their TOTP secret to an authenticator app, or print the current code with");
      io.out(`  node -e "console.log(new (require('otpauth').TOTP)({ secret: process.argv[1] }).generate())" SECRET`);
    }
  } else {
    io.err("Existing demo passwords are unchanged; reset one with: npm run keyport -- user password --email EMAIL");
  }
}

/** Run one CLI invocation; returns the exit code (0 ok, 1 failure, 2 usage). */
export async function runCli(argv: string[], io: CliIo, ctx: CliContext): Promise<number> {
  // Commands are one to three words ("demo", "user create", "user sessions end").
  const words = [3, 2, 1].find((n) => argv.length >= n && COMMANDS[argv.slice(0, n).join(" ")]) ?? 1;
  const [name, rest] = [argv.slice(0, words).join(" "), argv.slice(words)];
  const command = COMMANDS[name];
  if (!command) {
    if (argv[0] === "help" || argv[0] === "--help" || argv[0] === "-h") {
      io.out(USAGE);
      return 0;
    }
    io.err(argv.length ? `Unknown command: ${argv.join(" ")}` : "No command given.");
    io.err(USAGE);
    return 2;
  }
  try {
    return await command(rest, io, ctx);
  } catch (e) {
    if (e instanceof OneLineUsageError) {
      io.err(`keyport ${name}: ${e.message}`);
      return 2;
    }
    if (e instanceof UsageError) {
      io.err(`keyport ${name}: ${e.message}`);
      io.err(USAGE);
      return 2;
    }
    // `csr check` exits 1 only for "rejected"; a check that could not run is exit 2.
    if (name === "csr check") {
      io.err(`keyport ${name}: cannot check the CSR: ${describeFailure(e)}`);
      return 2;
    }
    io.err(`keyport ${name}: ${describeFailure(e)}`);
    return 1;
  }
}

/** One line for any failure: the AppError's message, a database error's reason, else the error's first line. Never a stack trace. */
export function describeFailure(e: unknown): string {
  if (e instanceof AppError) return e.message;
  const db = describeDatabaseError(e);
  if (db) return db;
  const message = e instanceof Error ? e.message : String(e);
  const first = message.split("\n").map((l) => l.trim()).find(Boolean);
  return first ?? (e instanceof Error ? `${e.name} (no message)` : "unknown error");
}

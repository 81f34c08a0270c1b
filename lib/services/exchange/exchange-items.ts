// The items of the two-way exchange between the provider and one partner in one environment, as a
// table: one entry per kind of item. Each entry loads what it needs for a whole environment at once
// (a constant number of queries however many partners there are) and then says, per organisation,
// the item's state, its dates and who must act next. A new kind of item (JWS keys, endpoints…) is
// one more entry in EXCHANGE_ITEM_KINDS.
import type { Db } from "@/lib/db/client";
import { PROBE_CLIENT_PROFILE } from "@/lib/ca/probe-credential";

export type Actor3 = "partner" | "officer" | "admin";
export type ExchangeState = "missing" | "pending" | "active" | "expiring" | "expired" | "rejected";
export type ExchangeItem = {
  kind: string;
  title: string;
  /** partner→provider: what the partner gives; provider→partner: what the provider gives. */
  direction: "partner-to-provider" | "provider-to-partner";
  state: ExchangeState;
  /** Who must act next, or null when nothing is due. */
  next: Actor3 | null;
  step: string;
  since: Date | null;
  expires: Date | null;
};

export type EnvContext = { db: Db; env: { id: string; code: string; approvalsRequired: number }; orgIds: string[]; now: Date };
const DAY = 86_400_000;
export const EXPIRING_DAYS = 30;

type Kind<T> = {
  kind: string;
  title: string;
  direction: ExchangeItem["direction"];
  load: (ctx: EnvContext) => Promise<T>;
  evaluate: (data: T, orgId: string, ctx: EnvContext) => Omit<ExchangeItem, "kind" | "title" | "direction">;
};
const kind = <T>(k: Kind<T>) => k as Kind<unknown>;

const byOrg = <R extends { orgId: string | null }>(rows: R[]) => {
  const m = new Map<string, R[]>();
  for (const r of rows) if (r.orgId) m.set(r.orgId, [...(m.get(r.orgId) ?? []), r]);
  return m;
};
const expiry = (notAfter: Date, now: Date): ExchangeState => (notAfter.getTime() <= now.getTime() ? "expired" : notAfter.getTime() - now.getTime() < EXPIRING_DAYS * DAY ? "expiring" : "active");

export const EXCHANGE_ITEM_KINDS: Kind<unknown>[] = [
  kind({
    kind: "partner-client-certificate",
    title: "Partner client certificate (partner → provider)",
    direction: "partner-to-provider",
    load: async ({ db, env, orgIds }) => ({
      certs: byOrg(await db.certificate.findMany({ where: { envId: env.id, orgId: { in: orgIds }, revokedAt: null, ca: { kind: "issuing" } }, select: { orgId: true, notAfter: true, createdAt: true }, orderBy: { notAfter: "desc" } })),
      pending: byOrg(await db.certificateRequest.findMany({ where: { envId: env.id, orgId: { in: orgIds }, status: "pending" }, select: { orgId: true, createdAt: true } })),
    }),
    evaluate: (d, orgId, { now }) => {
      const cert = d.certs.get(orgId)?.[0];
      const pending = d.pending.get(orgId)?.[0];
      if (pending) return { state: "pending", next: "officer", step: "Officers review the certificate request.", since: pending.createdAt, expires: cert?.notAfter ?? null };
      if (!cert) return { state: "missing", next: "partner", step: "Submit a CSR for your client certificate.", since: null, expires: null };
      const state = expiry(cert.notAfter, now);
      return { state, next: state === "active" ? null : "partner", step: state === "active" ? "In use." : "Submit a renewal CSR.", since: cert.createdAt, expires: cert.notAfter };
    },
  }),
  kind({
    kind: "source-ips",
    title: "Source IP allowlist (partner → provider)",
    direction: "partner-to-provider",
    load: async ({ db, env, orgIds }) => ({
      entries: byOrg(await db.allowlistEntry.findMany({ where: { envId: env.id, orgId: { in: orgIds }, removedAt: null }, select: { orgId: true, createdAt: true } })),
      pending: byOrg(await db.allowlistRequest.findMany({ where: { envId: env.id, orgId: { in: orgIds }, status: "pending" }, select: { orgId: true, createdAt: true } })),
    }),
    evaluate: (d, orgId) => {
      const entries = d.entries.get(orgId) ?? [];
      const pending = d.pending.get(orgId)?.[0];
      if (pending) return { state: "pending", next: "officer", step: "Officers review the allowlist request.", since: pending.createdAt, expires: null };
      if (!entries.length) return { state: "missing", next: "partner", step: "Ask for your source IP addresses to be allowed.", since: null, expires: null };
      return { state: "active", next: null, step: `${entries.length} entr${entries.length === 1 ? "y" : "ies"} allowed.`, since: entries[0].createdAt, expires: null };
    },
  }),
  kind({
    kind: "partner-server-chain",
    title: "Partner server CA chain, endorsed (partner → provider)",
    direction: "partner-to-provider",
    load: async ({ db, env, orgIds }) =>
      byOrg(
        await db.partnerServerChain.findMany({
          where: { envId: env.id, orgId: { in: orgIds }, status: { in: ["pending", "endorsed", "rejected"] } },
          select: { orgId: true, status: true, createdAt: true, endorsedAt: true, notAfter: true, _count: { select: { approvals: { where: { decision: "approve" } } } } },
          orderBy: { createdAt: "desc" },
        }),
      ),
    evaluate: (rows, orgId, { now, env }) => {
      const list = rows.get(orgId) ?? [];
      const active = list.find((r) => r.status === "endorsed");
      const pending = list.find((r) => r.status === "pending");
      if (pending) return { state: "pending", next: "officer", step: `Officers endorse the uploaded chain (${pending._count.approvals} of ${env.approvalsRequired}).${active ? " The endorsed chain stays active meanwhile." : ""}`, since: pending.createdAt, expires: active?.notAfter ?? null };
      if (active) {
        const state = expiry(active.notAfter, now);
        return { state, next: state === "active" ? null : "partner", step: state === "active" ? "Trusted by the provider's egress gateway." : "Upload the renewed chain before it expires.", since: active.endorsedAt, expires: active.notAfter };
      }
      if (list[0]?.status === "rejected") return { state: "rejected", next: "partner", step: "The last upload was rejected: read the reason, upload again.", since: list[0].createdAt, expires: null };
      return { state: "missing", next: "partner", step: "Upload the CA chain your servers use.", since: null, expires: null };
    },
  }),
  kind({
    kind: "provider-client-ca",
    title: "Provider client CA, downloaded (provider → partner)",
    direction: "provider-to-partner",
    load: async ({ db, env, orgIds }) => ({
      ca: await db.certificateAuthority.findFirst({ where: { envId: env.id, active: true, kind: "provider_client" }, select: { createdAt: true, notAfter: true } }),
      downloads: byOrg(
        await db.auditEvent.findMany({
          where: { action: "ca.download", targetId: env.id, orgId: { in: orgIds }, details: { path: ["file"], string_contains: "provider-client" } },
          select: { orgId: true, at: true },
          orderBy: { at: "desc" },
          take: 1000,
        }),
      ),
    }),
    evaluate: (d, orgId) => {
      if (!d.ca) return { state: "missing", next: "admin", step: "An admin creates the environment's provider client CA.", since: null, expires: null };
      const dl = d.downloads.get(orgId)?.[0];
      if (!dl) return { state: "pending", next: "partner", step: "Download the provider client CA and make your servers trust it (and only it) for the provider's calls.", since: d.ca.createdAt, expires: d.ca.notAfter };
      return { state: "active", next: null, step: "Downloaded.", since: dl.at, expires: d.ca.notAfter };
    },
  }),
  kind({
    kind: "provider-client-certificate",
    title: "Provider client certificate (provider → partner)",
    direction: "provider-to-partner",
    load: async ({ db, env }) => ({
      cert: await db.certificate.findFirst({ where: { envId: env.id, revokedAt: null, profileCode: { not: PROBE_CLIENT_PROFILE }, ca: { kind: "provider_client", active: true } }, select: { createdAt: true, notAfter: true }, orderBy: { notAfter: "desc" } }),
      pending: await db.providerCertificateRequest.findFirst({ where: { envId: env.id, status: "pending" }, select: { createdAt: true, _count: { select: { approvals: { where: { decision: "approve" } } } } }, orderBy: { createdAt: "desc" } }),
    }),
    evaluate: ({ cert, pending }, _orgId, { now, env }) => {
      if (pending) {
        return { state: "pending", next: "officer", step: `Officers approve the provider's client certificate (${pending._count.approvals + 1} of ${env.approvalsRequired}).`, since: pending.createdAt, expires: cert?.notAfter ?? null };
      }
      if (!cert) return { state: "missing", next: "admin", step: "An admin issues the provider's client certificate from a CSR made on the egress gateway.", since: null, expires: null };
      const state = expiry(cert.notAfter, now);
      return { state, next: state === "active" ? null : "admin", step: state === "active" ? "The egress gateway presents it." : "Issue a new one before it expires.", since: cert.createdAt, expires: cert.notAfter };
    },
  }),
  kind({
    kind: "provider-csr-signed",
    title: "Provider CSR signed by the partner's CA (provider → partner)",
    direction: "provider-to-partner",
    load: async ({ db, env, orgIds }) =>
      byOrg(
        await db.providerCsr.findMany({
          where: { envId: env.id, orgId: { in: orgIds }, status: { in: ["awaiting_certificate", "active"] } },
          select: { orgId: true, status: true, createdAt: true, signedAt: true, certNotAfter: true },
          orderBy: { createdAt: "desc" },
        }),
      ),
    evaluate: (rows, orgId, { now }) => {
      const list = rows.get(orgId) ?? [];
      const active = list.find((r) => r.status === "active");
      const waiting = list.find((r) => r.status === "awaiting_certificate");
      if (waiting) {
        return {
          state: "pending",
          next: "partner",
          step: `Download the provider's CSR, sign it with the CA of your endorsed server CA chain (clientAuth), upload the certificate.${active ? " The current one stays in use meanwhile." : ""}`,
          since: waiting.createdAt,
          expires: active?.certNotAfter ?? null,
        };
      }
      if (active?.certNotAfter) {
        const state = expiry(active.certNotAfter, now);
        return { state, next: state === "active" ? null : "admin", step: state === "active" ? "The egress gateway presents it to this partner." : "An admin creates a renewal CSR for the partner to sign.", since: active.signedAt, expires: active.certNotAfter };
      }
      return { state: "missing", next: null, step: "Only where the partner's servers trust their own CA for the provider's calls (Mojaloop): an admin creates a CSR for the partner to sign.", since: null, expires: null };
    },
  }),
  kind({
    kind: "provider-server-chain",
    title: "Provider server chain, shown to partners (provider → partner)",
    direction: "provider-to-partner",
    load: async ({ db, env }) => db.providerServerChain.findUnique({ where: { envId: env.id }, select: { updatedAt: true, notAfter: true } }),
    evaluate: (row, _orgId, { now }) => {
      if (!row) return { state: "missing", next: "admin", step: "An admin sets the provider endpoint's server certificate and chain.", since: null, expires: null };
      const state = expiry(row.notAfter, now);
      return { state, next: state === "active" ? null : "admin", step: state === "active" ? "Trust it for your calls to the provider; check its fingerprints." : "The provider renews its server certificate.", since: row.updatedAt, expires: row.notAfter };
    },
  }),
  // ── Endpoint registry and readiness probe (issue 18, items 5–6) ──
  kind({
    kind: "partner-callback-urls",
    title: "Partner callback URLs and ingress ranges, confirmed (partner → provider)",
    direction: "partner-to-provider",
    load: async ({ db, env, orgIds }) =>
      byOrg(await db.partnerEndpoint.findMany({ where: { envId: env.id, orgId: { in: orgIds }, removedAt: null }, select: { orgId: true, kind: true, status: true, createdAt: true, decidedAt: true }, orderBy: { createdAt: "desc" } })),
    evaluate: (rows, orgId) => {
      const list = rows.get(orgId) ?? [];
      const fresh = list.find((r) => r.status === "new");
      const confirmed = list.filter((r) => r.status === "confirmed");
      const callbacks = confirmed.filter((r) => r.kind === "callback_url").length;
      if (fresh) return { state: "pending", next: "officer", step: "Officers confirm the registered endpoints.", since: fresh.createdAt, expires: null };
      if (callbacks) return { state: "active", next: null, step: `${callbacks} callback URL${callbacks === 1 ? "" : "s"} and ${confirmed.length - callbacks} ingress range${confirmed.length - callbacks === 1 ? "" : "s"} confirmed.`, since: confirmed[0].decidedAt, expires: null };
      if (list[0]?.status === "rejected") return { state: "rejected", next: "partner", step: "An entry was rejected: read the reason, register it again.", since: list[0].createdAt, expires: null };
      return { state: "missing", next: "partner", step: "Register the callback base URL the provider calls, and the IP ranges it reaches.", since: null, expires: null };
    },
  }),
  kind({
    kind: "readiness-probe",
    title: "Readiness probe, provider → partner callback (provider → partner)",
    direction: "provider-to-partner",
    load: async ({ db, env, orgIds }) =>
      byOrg(
        await db.readinessProbe.findMany({
          where: { envId: env.id, orgId: { in: orgIds }, endpoint: { removedAt: null, status: "confirmed" } },
          select: { orgId: true, endpointId: true, outcome: true, httpStatus: true, startedAt: true },
          orderBy: { startedAt: "desc" },
          take: 2000,
        }),
      ),
    evaluate: (rows, orgId) => {
      const list = rows.get(orgId) ?? [];
      const lastPer = new Map<string, (typeof list)[number]>();
      for (const r of list) if (!lastPer.has(r.endpointId)) lastPer.set(r.endpointId, r);
      const last = [...lastPer.values()];
      if (!last.length) return { state: "missing", next: "partner", step: "Run the readiness probe once a callback URL is confirmed.", since: null, expires: null };
      const failing = last.filter((r) => r.outcome !== "ok");
      if (failing.length) return { state: "rejected", next: "partner", step: `Last probe: ${failing.map((r) => (r.httpStatus ? `${r.outcome} ${r.httpStatus}` : r.outcome)).join(", ")}; fix it and probe again.`, since: failing[0].startedAt, expires: null };
      return { state: "active", next: null, step: "The provider reaches every confirmed callback URL with mutual TLS.", since: last[0].startedAt, expires: null };
    },
  }),
  // ── JWS signing keys (issue 18) ──
  kind({
    kind: "partner-jws-key",
    title: "Partner JWS signing key, endorsed (partner → provider)",
    direction: "partner-to-provider",
    load: async ({ db, env, orgIds, now }) =>
      byOrg(
        await db.partnerJwsKey.findMany({
          where: { envId: env.id, orgId: { in: orgIds }, OR: [{ status: { in: ["pending", "rejected"] } }, { status: "endorsed", OR: [{ retireAt: null }, { retireAt: { gt: now } }] }] },
          select: { orgId: true, status: true, createdAt: true, endorsedAt: true, retireAt: true, _count: { select: { approvals: { where: { decision: "approve" } } } } },
          orderBy: { createdAt: "desc" },
        }),
      ),
    evaluate: (rows, orgId, { now, env }) => {
      const list = rows.get(orgId) ?? [];
      const active = list.filter((r) => r.status === "endorsed");
      const pending = list.find((r) => r.status === "pending");
      // The set stops verifying at the last retire date, unless a key has none.
      const lastRetire = active.length && active.every((r) => r.retireAt) ? new Date(Math.max(...active.map((r) => r.retireAt!.getTime()))) : null;
      if (pending) return { state: "pending", next: "officer", step: `Officers endorse the uploaded JWS key (${pending._count.approvals} of ${env.approvalsRequired}).${active.length ? " The active key keeps verifying meanwhile." : ""}`, since: pending.createdAt, expires: lastRetire };
      if (active.length) {
        const state = lastRetire ? expiry(lastRetire, now) : "active";
        return { state, next: state === "active" ? null : "partner", step: state === "active" ? `${active.length} active key${active.length === 1 ? "" : "s"}; the provider verifies your FSPIOP-Signature with them.` : "Upload the successor key before the retire date.", since: active[0].endorsedAt, expires: lastRetire };
      }
      if (list[0]?.status === "rejected") return { state: "rejected", next: "partner", step: "The last JWS key was rejected: read the reason, upload again.", since: list[0].createdAt, expires: null };
      return { state: "missing", next: "partner", step: "Upload your JWS public key (PEM, JWK or certificate); use a different key than for TLS.", since: null, expires: null };
    },
  }),
  kind({
    kind: "provider-jws-keys",
    title: "Provider JWS signing keys, published (provider → partner)",
    direction: "provider-to-partner",
    load: async ({ db, env, now }) => db.providerJwsKey.findMany({ where: { envId: env.id, OR: [{ retireAt: null }, { retireAt: { gt: now } }] }, select: { createdAt: true, retireAt: true }, orderBy: { createdAt: "desc" } }),
    evaluate: (rows, _orgId, { now, env }) => {
      if (!rows.length) return { state: "missing", next: "admin", step: "An admin generates or uploads the provider's JWS key.", since: null, expires: null };
      const lastRetire = rows.every((r) => r.retireAt) ? new Date(Math.max(...rows.map((r) => r.retireAt!.getTime()))) : null;
      const state = lastRetire ? expiry(lastRetire, now) : "active";
      return { state, next: state === "active" ? null : "admin", step: state === "active" ? `Verify the provider's signatures with /.well-known/jwks/${env.code}/provider.json.` : "The provider publishes its next JWS key.", since: rows[0].createdAt, expires: lastRetire };
    },
  }),
];

/** Every item of every organisation in one environment. */
export async function loadExchangeItems(ctx: EnvContext): Promise<Map<string, ExchangeItem[]>> {
  const loaded = await Promise.all(EXCHANGE_ITEM_KINDS.map((k) => k.load(ctx)));
  const out = new Map<string, ExchangeItem[]>();
  for (const orgId of ctx.orgIds) {
    out.set(
      orgId,
      EXCHANGE_ITEM_KINDS.map((k, i) => ({ kind: k.kind, title: k.title, direction: k.direction, ...k.evaluate(loaded[i], orgId, ctx) })),
    );
  }
  return out;
}

// The event-type table: every event Keyport notifies about, who hears of it, and what the message
// says. A new event is ONE entry here plus one `emitEvent(tx, "<type>", { id })` call in the
// transaction of the change that causes it (lib/notifications/emit-event.ts).
//
// `describe` reads, inside the emitting transaction, the facts a message shows. Facts are public
// by construction: ids, codes, serials, fingerprints, dates, reasons. Never a key, token or secret.
import type { Tx } from "@/lib/db/client";

/** What an event's message says and where it links; `orgId` is whose organisation hears of it. */
export type EventFacts = {
  orgId?: string | null;
  envId?: string | null;
  envCode?: string | null;
  orgCode?: string | null;
  subjectType: string;
  subjectId: string;
  /** The partner user who submitted the request concerned (gets a copy when preferences say so). */
  submitterId?: string | null;
  title: string;
  /** "Label: value" lines, in order (serial, SHA-256 fingerprint, reason …). */
  facts: [string, string][];
  /** Paths in the portal (prefixed with KEYPORT_PUBLIC_URL in mail): for the organisation, for officers/admins. */
  partnerLink?: string;
  staffLink?: string;
};

/**
 * What a request's facts are made of: the caller may pass the row it has just written or locked
 * in this transaction (EventInput.row), and describe then reads nothing (issue 21: one statement
 * less per event). Leave it out and describe reads the row itself.
 */
export type RequestRow = {
  id: string;
  orgId: string;
  envId: string;
  subject: string;
  profileCode: string;
  publicKeyFingerprint: string;
  submittedById: string | null;
  env: { code: string; approvalsRequired: number };
  org: { code: string };
};

/** What a certificate's facts are made of (see RequestRow). */
export type CertificateRow = {
  id: string;
  orgId: string | null;
  envId: string;
  subject: string;
  serialHex: string;
  sha256Fingerprint: string;
  notAfter: Date;
  profileCode: string;
  revocationReason: string | null;
  env: { code: string };
  org: { code: string } | null;
  request: { submittedById: string | null } | null;
};

export type EventInput = {
  id: string;
  reason?: string;
  by?: string;
  extra?: Record<string, string>;
  /** The subject's row as this transaction holds it (its id must be `id`); only request and certificate events use it. */
  row?: { request?: RequestRow; certificate?: CertificateRow };
};

export type EventType = {
  label: string;
  /** Who hears of it: the organisation (group mailbox, submitter, its users' notification centre), officers, admins. */
  audience: { org?: boolean; officers?: boolean; admins?: boolean; orgSecurityOfficers?: boolean };
  /** Security notices go to the group mailbox whatever the preferences say. */
  security?: boolean;
  /** Default preferences for organisations (group mailbox, submitting user). */
  defaults?: { toGroup: boolean; toSubmitter: boolean };
  describe: (tx: Tx, input: EventInput) => Promise<EventFacts>;
};

async function certificateFacts(tx: Tx, id: string, row?: CertificateRow) {
  const c: CertificateRow =
    row?.id === id
      ? row
      : await tx.certificate.findUniqueOrThrow({
          where: { id },
          include: { env: { select: { code: true } }, org: { select: { code: true } }, request: { select: { submittedById: true } } },
        });
  return {
    c,
    base: {
      orgId: c.orgId,
      envId: c.envId,
      envCode: c.env.code,
      orgCode: c.org?.code ?? null,
      subjectType: "certificate",
      subjectId: c.id,
      submitterId: c.request?.submittedById ?? null,
      partnerLink: `/partner/certificates/${c.id}`,
      staffLink: `/officer/certificates/${c.id}`,
    },
    facts: [
      ["Subject", c.subject],
      ["Environment", c.env.code],
      ["Serial", c.serialHex],
      ["SHA-256 fingerprint", c.sha256Fingerprint],
      ["Valid until", c.notAfter.toISOString()],
    ] as [string, string][],
  };
}

async function requestFacts(tx: Tx, id: string, row?: RequestRow) {
  const r: RequestRow =
    row?.id === id ? row : await tx.certificateRequest.findUniqueOrThrow({ where: { id }, include: { env: { select: { code: true, approvalsRequired: true } }, org: { select: { code: true } } } });
  return {
    r,
    base: {
      orgId: r.orgId,
      envId: r.envId,
      envCode: r.env.code,
      orgCode: r.org.code,
      subjectType: "certificate_request",
      subjectId: r.id,
      submitterId: r.submittedById,
      partnerLink: `/partner/requests/${r.id}`,
      staffLink: `/officer/requests/${r.id}`,
    },
    facts: [
      ["Subject", r.subject],
      ["Environment", r.env.code],
      ["Profile", r.profileCode],
      ["Public key SHA-256", r.publicKeyFingerprint],
    ] as [string, string][],
  };
}

async function allowlistFacts(tx: Tx, id: string) {
  const r = await tx.allowlistRequest.findUniqueOrThrow({ where: { id }, include: { env: { select: { code: true } }, org: { select: { code: true } }, entries: { select: { cidr: true } } } });
  return {
    r,
    base: {
      orgId: r.orgId,
      envId: r.envId,
      envCode: r.env.code,
      orgCode: r.org.code,
      subjectType: "allowlist_request",
      subjectId: r.id,
      submitterId: r.submittedById,
      partnerLink: `/partner/allowlist`,
      staffLink: `/officer/allowlist/${r.id}`,
    },
    facts: [
      ["Environment", r.env.code],
      ["Change", r.kind],
      ["Entries", r.entries.map((e) => e.cidr).join(", ")],
    ] as [string, string][],
  };
}

async function serverChainFacts(tx: Tx, id: string) {
  const r = await tx.partnerServerChain.findUniqueOrThrow({ where: { id }, include: { env: { select: { code: true, approvalsRequired: true } }, org: { select: { code: true } } } });
  return {
    r,
    base: {
      orgId: r.orgId,
      envId: r.envId,
      envCode: r.env.code,
      orgCode: r.org.code,
      subjectType: "server_chain",
      subjectId: r.id,
      submitterId: r.submittedById,
      partnerLink: `/partner/exchange?env=${r.env.code}`,
      staffLink: `/officer/exchange?env=${r.env.code}&org=${r.org.code}`,
    },
    facts: [
      ["Environment", r.env.code],
      ["Root SHA-256 fingerprint", r.rootFingerprint],
      ["Hosts", ((r.hosts as string[]) ?? []).join(", ") || "none named"],
      ["Valid until", r.notAfter.toISOString()],
    ] as [string, string][],
  };
}

// JWS signing keys (issue 18)
async function jwsKeyFacts(tx: Tx, id: string) {
  const r = await tx.partnerJwsKey.findUniqueOrThrow({ where: { id }, include: { env: { select: { code: true, approvalsRequired: true } }, org: { select: { code: true } } } });
  return {
    r,
    base: {
      orgId: r.orgId,
      envId: r.envId,
      envCode: r.env.code,
      orgCode: r.org.code,
      subjectType: "jws_key",
      subjectId: r.id,
      submitterId: r.submittedById,
      partnerLink: `/partner/jws?env=${r.env.code}`,
      staffLink: `/officer/jws?env=${r.env.code}`,
    },
    facts: [
      ["Environment", r.env.code],
      ["kid (RFC 7638 thumbprint)", r.kid],
      ["Key", `${r.keyLabel}, ${r.alg}`],
    ] as [string, string][],
  };
}

// Endpoint registry (issue 18, item 5)
async function endpointFacts(tx: Tx, id: string) {
  const r = await tx.partnerEndpoint.findUniqueOrThrow({ where: { id }, include: { env: { select: { code: true } }, org: { select: { code: true } } } });
  return {
    r,
    base: {
      orgId: r.orgId,
      envId: r.envId,
      envCode: r.env.code,
      orgCode: r.org.code,
      subjectType: "endpoint",
      subjectId: r.id,
      submitterId: r.submittedById,
      partnerLink: `/partner/exchange?env=${r.env.code}`,
      staffLink: `/officer/exchange?env=${r.env.code}&org=${r.org.code}`,
    },
    facts: [
      ["Environment", r.env.code],
      [r.kind === "callback_url" ? "Callback URL" : "Ingress range", r.value],
    ] as [string, string][],
  };
}

/** Provider-side exchange items concern every partner of an environment: one event per organisation (extra.orgId). */
async function providerItemFacts(tx: Tx, envId: string, orgId: string | undefined) {
  const [env, org] = await Promise.all([
    tx.environment.findUniqueOrThrow({ where: { id: envId }, select: { id: true, code: true } }),
    orgId ? tx.organisation.findUniqueOrThrow({ where: { id: orgId }, select: { id: true, code: true } }) : null,
  ]);
  return { orgId: org?.id ?? null, orgCode: org?.code ?? null, envId: env.id, envCode: env.code, partnerLink: `/partner/exchange?env=${env.code}`, staffLink: `/officer/exchange?env=${env.code}` };
}

async function providerCsrFacts(tx: Tx, id: string) {
  const r = await tx.providerCsr.findUniqueOrThrow({ where: { id }, include: { env: { select: { code: true } }, org: { select: { code: true } } } });
  return {
    r,
    base: {
      orgId: r.orgId,
      envId: r.envId,
      envCode: r.env.code,
      orgCode: r.org.code,
      subjectType: "provider_csr",
      subjectId: r.id,
      partnerLink: `/partner/exchange?env=${r.env.code}`,
      staffLink: `/officer/exchange?env=${r.env.code}&org=${r.org.code}`,
    },
    facts: [
      ["Subject", r.subject],
      ["Environment", r.env.code],
      ["Public key SHA-256", r.publicKeyFingerprint],
      ...(r.certSha256 ? [["Certificate SHA-256", r.certSha256], ["Valid until", r.certNotAfter?.toISOString() ?? ""]] : []),
    ] as [string, string][],
  };
}

const ORG_ON = { toGroup: true, toSubmitter: true } as const;

export const EVENT_TYPES = {
  "provider_csr.created": {
    label: "Provider CSR to sign with your CA",
    audience: { org: true },
    defaults: ORG_ON,
    describe: async (tx, { id }) => {
      const { base, facts } = await providerCsrFacts(tx, id);
      return { ...base, title: "The provider asks your CA to sign its client CSR", facts };
    },
  },
  "provider_csr.signed": {
    label: "Provider CSR signed by a partner's CA",
    audience: { officers: true, admins: true },
    describe: async (tx, { id }) => {
      const { base, facts, r } = await providerCsrFacts(tx, id);
      return { ...base, title: `${r.org.code} signed the provider's client CSR`, facts };
    },
  },
  "certificate_request.awaiting_confirmation": {
    label: "Certificate request waits for a second partner security officer",
    audience: { orgSecurityOfficers: true },
    describe: async (tx, { id, by, row }) => {
      const { base, facts, r } = await requestFacts(tx, id, row?.request);
      return { ...base, title: `Certificate request for ${r.env.code} waits for your confirmation`, facts: [...facts, ["Submitted by", by ?? "a partner security officer"]] };
    },
  },
  "user.invited": {
    label: "Invitation to an organisation",
    // Only the invitee hears of it (emitEvent's mailTo): the link in the mail is theirs alone.
    audience: {},
    describe: async (tx, { id, by }) => {
      const inv = await tx.invitation.findUniqueOrThrow({ where: { id }, include: { org: { select: { code: true, legalName: true } } } });
      return {
        orgId: inv.orgId,
        orgCode: inv.org.code,
        subjectType: "invitation",
        subjectId: inv.id,
        title: `You are invited to ${inv.org.legalName} on Keyport`,
        facts: [
          ["Organisation", `${inv.org.legalName} (${inv.org.code})`],
          ["Role", inv.partnerRole.replaceAll("_", " ")],
          ["Invited by", by ?? "Keyport"],
          ["Link valid until", inv.expiresAt.toISOString()],
        ],
      };
    },
  },
  "certificate_request.submitted": {
    label: "Certificate request submitted",
    audience: { officers: true },
    describe: async (tx, { id, row }) => {
      const { base, facts, r } = await requestFacts(tx, id, row?.request);
      return { ...base, title: `Certificate request from ${r.org.code} waits for review`, facts };
    },
  },
  "certificate_request.approval_recorded": {
    label: "Approval recorded, more needed",
    audience: { officers: true },
    describe: async (tx, { id, by, extra, row }) => {
      const { base, facts, r } = await requestFacts(tx, id, row?.request);
      return {
        ...base,
        title: `Certificate request from ${r.org.code}: ${extra?.approvals ?? "?"} of ${r.env.approvalsRequired} approvals`,
        facts: [...facts, ["Approved by", by ?? "an officer"]],
      };
    },
  },
  "certificate.issued": {
    label: "Certificate issued",
    audience: { org: true },
    security: true,
    defaults: ORG_ON,
    describe: async (tx, { id, row }) => {
      const { base, facts } = await certificateFacts(tx, id, row?.certificate);
      return { ...base, title: "Certificate issued", facts };
    },
  },
  "certificate_request.rejected": {
    label: "Certificate request rejected",
    audience: { org: true },
    defaults: ORG_ON,
    describe: async (tx, { id, reason, row }) => {
      const { base, facts } = await requestFacts(tx, id, row?.request);
      return { ...base, title: "Certificate request rejected", facts: [...facts, ["Reason", reason ?? ""]] };
    },
  },
  "certificate.revoked": {
    label: "Certificate revoked",
    audience: { org: true, officers: true },
    security: true,
    defaults: ORG_ON,
    describe: async (tx, { id, reason, by, row }) => {
      const { base, facts, c } = await certificateFacts(tx, id, row?.certificate);
      return { ...base, title: "Certificate revoked", facts: [...facts, ["Reason", reason ?? c.revocationReason ?? "unspecified"], ["Revoked by", by ?? "Keyport"]] };
    },
  },
  "allowlist_request.submitted": {
    label: "Allowlist change submitted",
    audience: { officers: true },
    describe: async (tx, { id }) => {
      const { base, facts, r } = await allowlistFacts(tx, id);
      return { ...base, title: `Allowlist change from ${r.org.code} waits for review`, facts };
    },
  },
  "allowlist_request.approved": {
    label: "Allowlist change approved",
    audience: { org: true },
    defaults: ORG_ON,
    describe: async (tx, { id }) => {
      const { base, facts } = await allowlistFacts(tx, id);
      return { ...base, title: "Allowlist change approved", facts };
    },
  },
  "allowlist_request.rejected": {
    label: "Allowlist change rejected",
    audience: { org: true },
    defaults: ORG_ON,
    describe: async (tx, { id, reason }) => {
      const { base, facts } = await allowlistFacts(tx, id);
      return { ...base, title: "Allowlist change rejected", facts: [...facts, ["Reason", reason ?? ""]] };
    },
  },
  "certificate.expiring": {
    label: "Certificate expiring (reminder)",
    audience: { org: true },
    defaults: ORG_ON,
    describe: async (tx, { id, extra, row }) => {
      const { base, facts, c } = await certificateFacts(tx, id, row?.certificate);
      return {
        ...base,
        title: `Certificate expires in ${extra?.days ?? "a few"} day(s): renew it`,
        facts,
        // "Renew" with the predecessor preselected.
        partnerLink: `/partner/requests/new?env=${c.env.code}&profile=${encodeURIComponent(c.profileCode)}&renews=${c.id}`,
      };
    },
  },
  "certificate.expired": {
    label: "Certificate expired",
    audience: { org: true },
    defaults: ORG_ON,
    describe: async (tx, { id, row }) => {
      const { base, facts } = await certificateFacts(tx, id, row?.certificate);
      return { ...base, title: "Certificate expired", facts };
    },
  },
  "server_chain.submitted": {
    label: "Server CA chain submitted",
    audience: { officers: true },
    describe: async (tx, { id }) => {
      const { base, facts, r } = await serverChainFacts(tx, id);
      return { ...base, title: `Server CA chain from ${r.org.code} waits for endorsement`, facts };
    },
  },
  "server_chain.approval_recorded": {
    label: "Server CA chain endorsement recorded, more needed",
    audience: { officers: true },
    describe: async (tx, { id, by, extra }) => {
      const { base, facts, r } = await serverChainFacts(tx, id);
      return { ...base, title: `Server CA chain from ${r.org.code}: ${extra?.approvals ?? "?"} of ${r.env.approvalsRequired} endorsements`, facts: [...facts, ["Endorsed by", by ?? "an officer"]] };
    },
  },
  "server_chain.endorsed": {
    label: "Server CA chain endorsed",
    audience: { org: true },
    defaults: ORG_ON,
    describe: async (tx, { id }) => {
      const { base, facts } = await serverChainFacts(tx, id);
      return { ...base, title: "Server CA chain endorsed: the provider now trusts it", facts };
    },
  },
  "server_chain.rejected": {
    label: "Server CA chain rejected",
    audience: { org: true },
    defaults: ORG_ON,
    describe: async (tx, { id, reason }) => {
      const { base, facts } = await serverChainFacts(tx, id);
      return { ...base, title: "Server CA chain rejected", facts: [...facts, ["Reason", reason ?? ""]] };
    },
  },
  // JWS signing keys (issue 18)
  "jws_key.submitted": {
    label: "JWS key submitted",
    audience: { officers: true },
    describe: async (tx, { id }) => {
      const { base, facts, r } = await jwsKeyFacts(tx, id);
      return { ...base, title: `JWS key from ${r.org.code} waits for endorsement`, facts };
    },
  },
  "jws_key.approval_recorded": {
    label: "JWS key endorsement recorded, more needed",
    audience: { officers: true },
    describe: async (tx, { id, by, extra }) => {
      const { base, facts, r } = await jwsKeyFacts(tx, id);
      return { ...base, title: `JWS key from ${r.org.code}: ${extra?.approvals ?? "?"} of ${r.env.approvalsRequired} endorsements`, facts: [...facts, ["Endorsed by", by ?? "an officer"]] };
    },
  },
  "jws_key.endorsed": {
    label: "JWS key endorsed",
    audience: { org: true },
    defaults: ORG_ON,
    describe: async (tx, { id }) => {
      const { base, facts } = await jwsKeyFacts(tx, id);
      return { ...base, title: "JWS key endorsed: the provider verifies your signatures with it", facts };
    },
  },
  "jws_key.rejected": {
    label: "JWS key rejected",
    audience: { org: true },
    defaults: ORG_ON,
    describe: async (tx, { id, reason }) => {
      const { base, facts } = await jwsKeyFacts(tx, id);
      return { ...base, title: "JWS key rejected", facts: [...facts, ["Reason", reason ?? ""]] };
    },
  },
  // Endpoint registry (issue 18, item 5)
  "endpoint.registered": {
    label: "Endpoint registered",
    audience: { officers: true },
    describe: async (tx, { id }) => {
      const { base, facts, r } = await endpointFacts(tx, id);
      return { ...base, title: `Endpoint from ${r.org.code} waits for confirmation`, facts };
    },
  },
  "endpoint.confirmed": {
    label: "Endpoint confirmed",
    audience: { org: true },
    defaults: ORG_ON,
    describe: async (tx, { id }) => {
      const { base, facts } = await endpointFacts(tx, id);
      return { ...base, title: "Endpoint confirmed: it is in the provider's gateway and firewall exports", facts };
    },
  },
  "endpoint.rejected": {
    label: "Endpoint rejected",
    audience: { org: true },
    defaults: ORG_ON,
    describe: async (tx, { id, reason }) => {
      const { base, facts } = await endpointFacts(tx, id);
      return { ...base, title: "Endpoint rejected", facts: [...facts, ["Reason", reason ?? ""]] };
    },
  },
  "provider_server_chain.changed": {
    label: "Provider server chain changed (waiting on you)",
    audience: { org: true },
    defaults: { toGroup: true, toSubmitter: false },
    describe: async (tx, { id, extra }) => {
      const base = await providerItemFacts(tx, id, extra?.orgId);
      const row = await tx.providerServerChain.findUniqueOrThrow({ where: { envId: id } });
      const server = (row.certificates as { role?: string; sha256Fingerprint?: string }[])[0];
      return {
        ...base,
        subjectType: "provider_server_chain",
        subjectId: id,
        title: `The provider's server chain of ${base.envCode} changed: trust it on your side`,
        facts: [["Environment", base.envCode], ["Server SHA-256 fingerprint", server?.sha256Fingerprint ?? ""], ["Hosts", ((row.hosts as string[]) ?? []).join(", ")], ["Valid until", row.notAfter.toISOString()]],
      };
    },
  },
  "provider_client_ca.created": {
    label: "Provider client CA created (waiting on you)",
    audience: { org: true },
    defaults: { toGroup: true, toSubmitter: false },
    describe: async (tx, { id, extra }) => {
      const ca = await tx.certificateAuthority.findUniqueOrThrow({ where: { id } });
      const base = await providerItemFacts(tx, ca.envId, extra?.orgId);
      return {
        ...base,
        subjectType: "ca",
        subjectId: ca.id,
        title: `The provider's client CA of ${base.envCode} is ready: download it and trust it on your servers`,
        facts: [["Environment", base.envCode], ["Subject", ca.subject], ["Serial", ca.serialHex], ["Valid until", ca.notAfter.toISOString()]],
      };
    },
  },
  "provider_certificate.issued": {
    label: "Provider client certificate issued",
    audience: { officers: true, admins: true },
    describe: async (tx, { id, row }) => {
      const { base, facts } = await certificateFacts(tx, id, row?.certificate);
      return { ...base, orgId: null, orgCode: null, title: "Provider client certificate issued", facts, partnerLink: undefined, staffLink: `/officer/certificates/${id}` };
    },
  },
  "ca.expiring": {
    label: "CA certificate expiring",
    audience: { admins: true },
    describe: async (tx, { id, extra }) => {
      const ca = await tx.certificateAuthority.findUniqueOrThrow({ where: { id }, include: { env: { select: { code: true } } } });
      return {
        envId: ca.envId,
        envCode: ca.env.code,
        subjectType: "ca",
        subjectId: ca.id,
        title: `${ca.kind} CA of ${ca.env.code} expires in ${extra?.days ?? "?"} day(s)`,
        facts: [["Subject", ca.subject], ["Serial", ca.serialHex], ["Valid until", ca.notAfter.toISOString()]],
        staffLink: "/admin",
      };
    },
  },
  "crl.renewal_failed": {
    label: "CRL renewal failed",
    audience: { admins: true },
    describe: async (tx, { id, reason }) => {
      const ca = await tx.certificateAuthority.findUniqueOrThrow({ where: { id }, include: { env: { select: { code: true } } } });
      return {
        envId: ca.envId,
        envCode: ca.env.code,
        subjectType: "ca",
        subjectId: ca.id,
        title: `CRL renewal failed for the ${ca.kind} CA of ${ca.env.code}`,
        facts: [["CA", ca.subject], ["Error", reason ?? ""]],
        staffLink: "/admin/jobs",
      };
    },
  },
  "delivery.failed": {
    label: "A notification could not be delivered",
    audience: { admins: true, org: true },
    security: true,
    defaults: { toGroup: true, toSubmitter: false },
    describe: async (tx, { id, reason }) => {
      const d = await tx.delivery.findUniqueOrThrow({ where: { id }, include: { event: { select: { type: true } } } });
      return {
        orgId: d.orgId,
        subjectType: "delivery",
        subjectId: d.id,
        title: `A ${d.channel} notification could not be delivered`,
        facts: [["Event", d.event.type], ["Channel", d.channel], ["Recipients", d.recipients.join(", ")], ["Last error", reason ?? d.lastError ?? ""]],
        partnerLink: "/partner/settings",
        staffLink: "/admin/mail",
      };
    },
  },
} satisfies Record<string, EventType>;

export type EventTypeName = keyof typeof EVENT_TYPES;

export function eventType(name: string): EventType | undefined {
  return (EVENT_TYPES as Record<string, EventType>)[name];
}

/** Event types an organisation can set preferences for (those its mailbox hears of). */
export function orgEventTypes(): [EventTypeName, EventType][] {
  return (Object.entries(EVENT_TYPES) as [EventTypeName, EventType][]).filter(([, t]) => t.audience.org);
}

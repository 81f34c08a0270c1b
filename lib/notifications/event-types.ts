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

export type EventInput = { id: string; reason?: string; by?: string; extra?: Record<string, string> };

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

async function certificateFacts(tx: Tx, id: string) {
  const c = await tx.certificate.findUniqueOrThrow({
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

async function requestFacts(tx: Tx, id: string) {
  const r = await tx.certificateRequest.findUniqueOrThrow({ where: { id }, include: { env: { select: { code: true, approvalsRequired: true } }, org: { select: { code: true } } } });
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

const ORG_ON = { toGroup: true, toSubmitter: true } as const;

export const EVENT_TYPES = {
  "certificate_request.awaiting_confirmation": {
    label: "Certificate request waits for a second partner security officer",
    audience: { orgSecurityOfficers: true },
    describe: async (tx, { id, by }) => {
      const { base, facts, r } = await requestFacts(tx, id);
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
    describe: async (tx, { id }) => {
      const { base, facts, r } = await requestFacts(tx, id);
      return { ...base, title: `Certificate request from ${r.org.code} waits for review`, facts };
    },
  },
  "certificate_request.approval_recorded": {
    label: "Approval recorded, more needed",
    audience: { officers: true },
    describe: async (tx, { id, by, extra }) => {
      const { base, facts, r } = await requestFacts(tx, id);
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
    describe: async (tx, { id }) => {
      const { base, facts } = await certificateFacts(tx, id);
      return { ...base, title: "Certificate issued", facts };
    },
  },
  "certificate_request.rejected": {
    label: "Certificate request rejected",
    audience: { org: true },
    defaults: ORG_ON,
    describe: async (tx, { id, reason }) => {
      const { base, facts } = await requestFacts(tx, id);
      return { ...base, title: "Certificate request rejected", facts: [...facts, ["Reason", reason ?? ""]] };
    },
  },
  "certificate.revoked": {
    label: "Certificate revoked",
    audience: { org: true, officers: true },
    security: true,
    defaults: ORG_ON,
    describe: async (tx, { id, reason, by }) => {
      const { base, facts, c } = await certificateFacts(tx, id);
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
    describe: async (tx, { id, extra }) => {
      const { base, facts, c } = await certificateFacts(tx, id);
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
    describe: async (tx, { id }) => {
      const { base, facts } = await certificateFacts(tx, id);
      return { ...base, title: "Certificate expired", facts };
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

// Keyset pages (issue 21, part 3): for each list, paging through more rows than one page gives
// every row once (forward, and back again with `before`), a cursor not from the list is a clear
// 422 naming the parameter, and `limit` is honoured and bounded.
import { afterAll, describe, expect, it } from "vitest";
import { sealPendingAuditEvents } from "@/lib/audit/seal-audit";
import { disconnectDb, getDb } from "@/lib/db/client";
import { CLI_ACTOR } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { EXPORT_BATCH_ROWS, decodeCursor, defineKeyset, encodeCursor } from "@/lib/db/keyset";
import { makeEnvironment, makeOrganisation, makeUser, makeWorld, opensslCsr } from "@/lib/testing/world";
import { submitCertificateRequest } from "@/lib/services/requests/submit-request";
import { listCertificateRequestsPage } from "@/lib/services/requests/read-requests";
import { approveAllowlistRequest, exportAllowlist, listAllowlistEntriesPage, listAllowlistRequestsPage, submitAllowlistRequest } from "@/lib/services/allowlist/allowlist-requests";
import { listReviewQueue } from "@/lib/services/review/review-queue";
import { searchAuditEvents } from "@/lib/services/audit/search-audit-events";
import { listOrganisationsPage } from "@/lib/services/organisations/list-organisations";
import { listUsersPage } from "@/lib/services/users/list-users";
import { listTokensPage } from "@/lib/services/tokens/list-tokens";
import { listOrgTokensPage } from "@/lib/services/tokens/list-org-tokens";
import { listOrgUsers } from "@/lib/services/org-users/list-org-users";
import { createToken } from "@/lib/services/tokens/create-token";
import { listMyNotifications } from "@/lib/services/notifications/my-notifications";
import { listOutbox } from "@/lib/services/notifications/outbox";
import { listEndpointsPage } from "@/lib/services/endpoints/read-endpoints";
import { listJwsKeysPage } from "@/lib/services/jws-keys/read-jws-keys";
import { listServerChainsPage } from "@/lib/services/server-chains/read-server-chains";
import { listProviderCsrsPage } from "@/lib/services/provider-csrs/read-provider-csrs";
import { listCertificatesPage } from "@/lib/services/certificates/read-certificates";
import { createProviderClientCa } from "@/lib/services/provider/init-provider-client-ca";
import { listProviderCertificateRequestsPage, rejectProviderCertificateRequest, requestProviderCertificate } from "@/lib/services/provider/issue-provider-certificate";
import { listProbesPage } from "@/lib/services/endpoints/run-probe";
import { listProviderJwsKeysPage } from "@/lib/services/provider-jws-keys/read-provider-jws-keys";
import { listProviderEndpointsPage } from "@/lib/services/endpoints/provider-endpoints";
import { listEnvironmentsPage } from "@/lib/services/environments/list-environments";
import { exportEndpoints } from "@/lib/services/endpoints/export-endpoints";
import { runCli } from "@/lib/cli/run-cli";
import * as requestsRoute from "@/app/api/v1/certificate-requests/route";
import * as usersRoute from "@/app/api/v1/users/route";
import * as providerRequestsRoute from "@/app/api/v1/provider-certificate-requests/route";
import * as providerJwsKeysRoute from "@/app/api/v1/provider-jws-keys/route";
import * as providerEndpointsRoute from "@/app/api/v1/environments/[code]/provider-endpoints/route";
import * as environmentsRoute from "@/app/api/v1/environments/route";

afterAll(disconnectDb);

type PageOf<T> = { rows: T[]; nextCursor: string | null; prevCursor: string | null };
type Reader<T> = (q: { limit: number; cursor?: string; before?: string }) => Promise<PageOf<T>>;

/** Every page forward (after nextCursor), then every page back (before prevCursor) from the last. */
async function walk<T extends { id: string }>(read: Reader<T>, limit: number) {
  const forward: string[][] = [];
  let page = await read({ limit });
  expect(page.prevCursor).toBeNull();
  forward.push(page.rows.map((r) => r.id));
  for (let i = 0; page.nextCursor && i < 500; i++) {
    page = await read({ limit, cursor: page.nextCursor });
    expect(page.rows.length).toBeLessThanOrEqual(limit);
    forward.push(page.rows.map((r) => r.id));
  }
  const backward: string[][] = [];
  for (let i = 0; page.prevCursor && i < 500; i++) {
    page = await read({ limit, before: page.prevCursor });
    backward.unshift(page.rows.map((r) => r.id));
  }
  return { ids: forward.flat(), pages: forward.length, backIds: [...backward.flat(), ...(forward.at(-1) ?? [])] };
}

async function refusedAs(p: Promise<unknown>, field: string) {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(AppError);
  expect(e).toMatchObject({ code: "validation_failed" });
  expect(Object.keys((e as AppError).fields ?? {})).toContain(field);
}

/** One list: its pages hold `mine` (all of them, or exactly them when `exact`), each row once; bad cursors and limits are 422s. */
async function checkList<T extends { id: string }>(read: Reader<T>, mine: string[], opts: { exact?: boolean; limit?: number; max: number }) {
  const limit = opts.limit ?? 2;
  const { ids, pages, backIds } = await walk(read, limit);
  expect(new Set(ids).size).toBe(ids.length);
  if (opts.exact) expect([...ids].sort()).toEqual([...mine].sort());
  else for (const id of mine) expect(ids).toContain(id);
  expect(pages).toBeGreaterThanOrEqual(Math.ceil(mine.length / limit));
  // Walking back from the last page passes the same rows in the same order.
  expect(backIds).toEqual(ids);
  await refusedAs(read({ limit, cursor: "not-a-cursor" }), "cursor");
  await refusedAs(read({ limit, before: "bm90LWEtY3Vyc29y" }), "before");
  // A cursor of another list is not this list's.
  await refusedAs(read({ limit, cursor: encodeCursor("some-other-list", ["date"], [new Date()], "00000000-0000-4000-8000-000000000000") }), "cursor");
  await refusedAs(read({ limit: 0 }), "limit");
  await refusedAs(read({ limit: opts.max + 1 }), "limit");
  expect((await read({ limit: 1 })).rows.length).toBeLessThanOrEqual(1);
}

describe("the cursor codec", () => {
  it("round-trips a position and refuses cut, edited, foreign and oversized cursors", () => {
    const at = new Date("2026-01-02T03:04:05.678Z");
    const id = "0b5f3a52-8f7e-4c1a-9d2b-5e6f7a8b9c0d";
    const c = encodeCursor("things", ["date", "string"], [at, "x"], id);
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor("things", ["date", "string"], c)).toEqual({ values: [at, "x"], id });
    const bigint = encodeCursor("seq", ["bigint"], [BigInt("12345678901234567")], id);
    expect(decodeCursor("seq", ["bigint"], bigint).values[0]).toBe(BigInt("12345678901234567"));
    const bad = [
      "",
      "!!!",
      c.slice(0, -3),
      c.slice(0, 10) + (c[10] === "A" ? "B" : "A") + c.slice(11),
      Buffer.from(JSON.stringify(["things", 1, at.getTime(), "x", id, "wrongcheck"])).toString("base64url"),
      encodeCursor("other", ["date", "string"], [at, "x"], id),
      "A".repeat(700),
    ];
    for (const b of bad) expect(() => decodeCursor("things", ["date", "string"], b)).toThrow(/cursor is not one this list returned/);
    expect(() => decodeCursor("things", ["date"], c)).toThrow(AppError);
  });

  it("builds the keyset condition after a row, id last", () => {
    const ks = defineKeyset("t", [{ field: "createdAt", type: "date" }], "desc");
    const at = new Date(1000);
    const c = ks.encode({ id: "0b5f3a52-8f7e-4c1a-9d2b-5e6f7a8b9c0d", createdAt: at });
    expect(ks.after(c)).toEqual({ AND: [{ createdAt: { lte: at } }, { OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: "0b5f3a52-8f7e-4c1a-9d2b-5e6f7a8b9c0d" } }] }] });
    expect(ks.orderBy).toEqual([{ createdAt: "desc" }, { id: "desc" }]);
  });

  it("pages a boolean key (false before true) with the equalities Prisma's boolean filter has", () => {
    const ks = defineKeyset("b", [{ field: "production", type: "boolean" }, { field: "code", type: "string" }], "asc");
    const id = "0b5f3a52-8f7e-4c1a-9d2b-5e6f7a8b9c0d";
    const no = ks.encode({ id, production: false, code: "M" });
    expect(ks.decode(no)).toEqual({ values: [false, "M"], id });
    expect(ks.after(no)).toEqual({ AND: [{}, { OR: [{ production: true }, { production: false, code: { gt: "M" } }, { production: false, code: "M", id: { gt: id } }] }] });
    expect(ks.after(ks.encode({ id, production: true, code: "M" }))).toEqual({ AND: [{ production: true }, { OR: [{ production: true, code: { gt: "M" } }, { production: true, code: "M", id: { gt: id } }] }] });
    expect(() => decodeCursor("b", ["boolean", "string"], encodeCursor("b", ["int", "string"], [1, "M"], id))).toThrow(AppError);
  });
});

describe("lists come one keyset page at a time", () => {
  it("certificate requests, allowlist requests and entries, the review queue and the audit trail", async () => {
    const w = await makeWorld({ approvalsRequired: 1 });
    const requests: string[] = [];
    for (let i = 0; i < 5; i++) requests.push((await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr(`/CN=keyset-${i}-${w.orgA.code}`).csr })).id);
    const allowlist: string[] = [];
    for (let i = 0; i < 5; i++) allowlist.push((await submitAllowlistRequest(w.partnerA.actor, { environment: w.env.code, entries: [`198.51.100.${10 + i}`] })).id);

    // A partner's own requests, newest first; and an officer's pending queue for the environment, oldest first.
    await checkList((q) => listCertificateRequestsPage(w.partnerA.actor, q).then((p) => ({ ...p, rows: p.requests })), requests, { exact: true, max: 500 });
    await checkList((q) => listCertificateRequestsPage(w.officer1.actor, { status: "pending", environment: w.env.code, ...q }).then((p) => ({ ...p, rows: p.requests })), requests, { exact: true, max: 500 });
    const pending = await listCertificateRequestsPage(w.officer1.actor, { status: "pending", environment: w.env.code });
    expect(pending.requests.map((r) => r.id)).toEqual(requests);
    await checkList((q) => listAllowlistRequestsPage(w.partnerA.actor, q).then((p) => ({ ...p, rows: p.requests })), allowlist, { exact: true, max: 500 });

    // The review queue pages both kinds together, oldest first.
    const queue: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 20; i++) {
      const page = await listReviewQueue(w.officer1.actor, { environment: w.env.code, limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      queue.push(...page.items.map((it) => it.id));
      cursor = page.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(queue).toEqual([...requests, ...allowlist]);
    // And back: from the last page, each page's prevCursor gives the page before it, to the first.
    const pages: string[][] = [];
    let page = await listReviewQueue(w.officer1.actor, { environment: w.env.code, limit: 3 });
    expect(page.prevCursor).toBeNull();
    for (;;) {
      pages.push(page.items.map((it) => it.id));
      if (!page.nextCursor) break;
      page = await listReviewQueue(w.officer1.actor, { environment: w.env.code, limit: 3, cursor: page.nextCursor });
    }
    const backwards: string[][] = [];
    for (let i = 0; i < 20 && page.prevCursor; i++) {
      page = await listReviewQueue(w.officer1.actor, { environment: w.env.code, limit: 3, before: page.prevCursor });
      backwards.unshift(page.items.map((it) => it.id));
    }
    expect(backwards).toEqual(pages.slice(0, -1));
    expect(page.prevCursor).toBeNull();
    await refusedAs(listReviewQueue(w.officer1.actor, { before: "x" }), "before");
    await refusedAs(listReviewQueue(w.officer1.actor, { cursor: "x" }), "cursor");
    await refusedAs(listReviewQueue(w.officer1.actor, { limit: 501 }), "limit");

    for (const id of allowlist.slice(0, 3)) await approveAllowlistRequest(w.officer1.actor, id);
    const entries = (await getDb().allowlistEntry.findMany({ where: { orgId: w.orgA.id, envId: w.env.id }, select: { id: true } })).map((e) => e.id);
    expect(entries).toHaveLength(3);
    await checkList((q) => listAllowlistEntriesPage(w.partnerA.actor, { environment: w.env.code, ...q }).then((p) => ({ ...p, rows: p.entries })), entries, { exact: true, max: 1000 });

    // The audit trail of the organisation: the same rows one page at a time as in one read. Sealed
    // first: an event the sealer chains between two pages moves from the pending part of the
    // trail to the chained part, and the walk would meet it twice or not at all.
    await sealPendingAuditEvents();
    const all = (await searchAuditEvents(w.officer1.actor, { organisation: w.orgA.code, limit: 1000 })).events.map((e) => e.id);
    expect(all.length).toBeGreaterThan(10);
    const paged: string[] = [];
    cursor = undefined;
    for (let i = 0; i < 50; i++) {
      const page = await searchAuditEvents(w.officer1.actor, { organisation: w.orgA.code, limit: 4, cursor });
      expect(page.events.length).toBeLessThanOrEqual(4);
      paged.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(paged).toEqual(all);
    await refusedAs(searchAuditEvents(w.officer1.actor, { cursor: "x" }), "cursor");
    await refusedAs(searchAuditEvents(w.officer1.actor, { cursor: encodeCursor("certificates", ["date"], [new Date()], requests[0]) }), "cursor");
    await refusedAs(searchAuditEvents(w.officer1.actor, { limit: 1001 }), "limit");
  });

  it("the audit trail pages across the sealer: an event chained between two pages is met once, none is skipped", async () => {
    const saved = process.env.KEYPORT_AUDIT_SEAL;
    process.env.KEYPORT_AUDIT_SEAL = "manual"; // this process seals only when the test says so
    try {
      const w = await makeWorld({ approvalsRequired: 1 });
      await sealPendingAuditEvents();
      for (let i = 0; i < 6; i++) await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr(`/CN=audit-walk-${i}-${w.orgA.code}`).csr });
      const all = (await searchAuditEvents(w.officer1.actor, { organisation: w.orgA.code, limit: 1000 })).events;
      expect(all.filter((e) => e.action === "certificate_request.submit")).toHaveLength(6);
      // Page by 2, sealing between pages: the recent events move into the chain while the walk is in them.
      const paged: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 100; i++) {
        const page = await searchAuditEvents(w.officer1.actor, { organisation: w.orgA.code, limit: 2, cursor });
        paged.push(...page.events.map((e) => e.id));
        cursor = page.nextCursor ?? undefined;
        if (!cursor) break;
        await sealPendingAuditEvents();
      }
      expect(new Set(paged).size).toBe(paged.length);
      expect([...paged].sort()).toEqual(all.map((e) => e.id).sort());
      // A cursor of the recent part is refused when cut, like every other.
      const first = await searchAuditEvents(w.officer1.actor, { organisation: w.orgA.code, limit: 1 });
      await refusedAs(searchAuditEvents(w.officer1.actor, { organisation: w.orgA.code, cursor: first.nextCursor!.slice(0, -2) }), "cursor");
    } finally {
      if (saved === undefined) delete process.env.KEYPORT_AUDIT_SEAL;
      else process.env.KEYPORT_AUDIT_SEAL = saved;
    }
  });

  it("organisations, users, API tokens, partner users and tokens, notifications and the outbox", async () => {
    const w = await makeWorld();
    const orgs = [w.orgA.id, w.orgB.id, (await makeOrganisation()).id];
    await checkList((q) => listOrganisationsPage(w.admin.actor, q).then((p) => ({ ...p, rows: p.organisations })), orgs, { limit: 25, max: 1000 });
    const users = [w.partnerA.id, w.partnerB.id, w.officer1.id, w.officer2.id, w.admin.id, w.gateway.id];
    await checkList((q) => listUsersPage(w.admin.actor, q).then((p) => ({ ...p, rows: p.users })), users, { limit: 40, max: 1000 });
    await checkList((q) => listUsersPage(w.admin.actor, { role: "officer", ...q }).then((p) => ({ ...p, rows: p.users })), [w.officer1.id, w.officer2.id], { limit: 25, max: 1000 });

    // The organisation's own users and tokens (partnerA's partner admin sees them).
    const admin = await makeUser("partner", w.orgA.code, "partner_admin");
    const extra = await Promise.all([makeUser("partner", w.orgA.code, "viewer"), makeUser("partner", w.orgA.code, "viewer")]);
    const orgUsers = [w.partnerA.id, admin.id, ...extra.map((u) => u.id)];
    await checkList((q) => listOrgUsers(admin.actor, q).then((p) => ({ ...p, rows: p.users })), orgUsers, { exact: true, max: 1000 });
    for (let i = 0; i < 3; i++) await createToken(CLI_ACTOR, { userEmail: w.partnerA.email, name: `extra ${i}` });
    const orgTokens = (await getDb().apiToken.findMany({ where: { user: { orgId: w.orgA.id, role: "partner" } }, select: { id: true } })).map((t) => t.id);
    expect(orgTokens.length).toBeGreaterThanOrEqual(6);
    await checkList((q) => listOrgTokensPage(admin.actor, q).then((p) => ({ ...p, rows: p.tokens })), orgTokens, { exact: true, max: 1000 });
    await checkList((q) => listTokensPage(w.admin.actor, q).then((p) => ({ ...p, rows: p.tokens })), orgTokens, { limit: 50, max: 1000 });

    // A user's notifications (written directly: the fan-out is tested with lib/notifications).
    const db = getDb();
    const notes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const event = await db.notificationEvent.create({ data: { type: "test.keyset", data: {} } });
      notes.push((await db.notification.create({ data: { userId: w.officer1.id, eventId: event.id, title: `n${i}`, body: "b" } })).id);
    }
    await checkList((q) => listMyNotifications(w.officer1.actor, q).then((p) => ({ ...p, rows: p.items })), notes, { exact: true, max: 200 });

    // The outbox: every delivery once, however many there are.
    const { ids } = await walk((q) => listOutbox(w.admin.actor, q).then((p) => ({ ...p, rows: p.deliveries })), 50);
    expect(new Set(ids).size).toBe(ids.length);
    await refusedAs(listOutbox(w.admin.actor, { cursor: "x" }), "cursor");
    await refusedAs(listOutbox(w.admin.actor, { limit: 501 }), "limit");
  });

  it("exchange lists: endpoints, JWS keys, server chains, provider CSRs (paging, bad cursor, limit)", async () => {
    const w = await makeWorld();
    const readers: [string, Reader<{ id: string }>, number][] = [
      ["endpoints", (q) => listEndpointsPage(w.officer1.actor, q).then((p) => ({ ...p, rows: p.endpoints })), 1000],
      ["jws keys", (q) => listJwsKeysPage(w.officer1.actor, q).then((p) => ({ ...p, rows: p.keys })), 500],
      ["server chains", (q) => listServerChainsPage(w.officer1.actor, q).then((p) => ({ ...p, rows: p.chains })), 500],
      ["provider CSRs", (q) => listProviderCsrsPage(w.admin.actor, q).then((p) => ({ ...p, rows: p.csrs })), 500],
      ["certificates", (q) => listCertificatesPage(w.officer1.actor, q).then((p) => ({ ...p, rows: p.certificates })), 1000],
    ];
    for (const [, read, max] of readers) {
      const all = await read({ limit: max });
      const sample = all.rows.slice(0, 6).map((r) => r.id);
      await checkList(read, sample, { limit: 2, max });
    }
  });
});

describe("provider certificate requests and readiness probes", () => {
  it("page newest first, each row once, with bad cursors and limits refused", async () => {
    const w = await makeWorld({ approvalsRequired: 2 });
    await createProviderClientCa(w.admin.actor, { envCode: w.env.code, keyType: "ecdsa-p256" });
    const mine: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await requestProviderCertificate(w.officer1.actor, { environment: w.env.code, commonName: `egress-${i}` });
      expect(r.status).toBe("pending");
      mine.push((r as { requestId: string }).requestId);
    }
    await checkList((q) => listProviderCertificateRequestsPage(w.officer2.actor, w.env.code, q).then((p) => ({ ...p, rows: p.requests })), mine, { exact: true, limit: 2, max: 500 });
    // With a status, only those in it are paged (the officers' waiting list), newest first; an unknown status is a 422 naming it.
    await rejectProviderCertificateRequest(w.officer2.actor, mine[1], { reason: "not needed" });
    await rejectProviderCertificateRequest(w.officer2.actor, mine[3], { reason: "not needed" });
    const byStatus = (status: string) => (q: { limit: number; cursor?: string; before?: string }) => listProviderCertificateRequestsPage(w.officer2.actor, w.env.code, { status, ...q }).then((p) => ({ ...p, rows: p.requests }));
    await checkList(byStatus("pending"), [mine[0], mine[2], mine[4]], { exact: true, limit: 2, max: 500 });
    expect((await byStatus("pending")({ limit: 500 })).rows.map((r) => r.id)).toEqual([mine[4], mine[2], mine[0]]);
    expect((await byStatus("rejected")({ limit: 1 })).rows.map((r) => r.id)).toEqual([mine[3]]);
    expect((await listProviderCertificateRequestsPage(w.officer2.actor, undefined, { status: "rejected", limit: 500 })).requests.map((r) => r.id)).toEqual(expect.arrayContaining([mine[3], mine[1]]));
    expect((await byStatus("")({ limit: 500 })).rows).toHaveLength(5);
    for (const status of ["waiting", "PENDING", 1]) {
      const e = await listProviderCertificateRequestsPage(w.officer2.actor, w.env.code, { status }).catch((x: unknown) => x);
      expect(e, String(status)).toMatchObject({ code: "validation_failed", fields: { status: expect.stringMatching(/pending, issued or rejected/) } });
    }
    // Probe results as the probe stores them (the probe itself is tested in lib/services/endpoints/probe.test.ts); two share a start time.
    const endpoint = await getDb().partnerEndpoint.create({ data: { orgId: w.orgA.id, envId: w.env.id, kind: "callback_url", value: "https://callback.example.test/cb", status: "confirmed" } });
    const t0 = Date.now();
    const probeIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const p = await getDb().readinessProbe.create({
        data: { endpointId: endpoint.id, orgId: w.orgA.id, envId: w.env.id, url: endpoint.value, outcome: "ok", message: "ok", timings: {}, startedAt: new Date(t0 - Math.min(i, 3) * 1000) },
      });
      probeIds.push(p.id);
    }
    const probes = (q: { limit: number; cursor?: string; before?: string }) => listProbesPage(w.officer1.actor, w.env.code, q).then((p) => ({ ...p, rows: p.probes }));
    await checkList(probes, probeIds, { exact: true, limit: 2, max: 500 });
    // Partners see their own organisation's only.
    expect((await listProbesPage(w.partnerB.actor, w.env.code)).probes).toEqual([]);
  });
});

describe("provider JWS keys, provider endpoints and environments", () => {
  it("page each row once, forward and back, with bad cursors and limits refused", async () => {
    const w = await makeWorld();
    const db = getDb();
    // Rows as the services store them (key generation and the publish rules are tested in their own files); two share a time.
    const t0 = Date.now();
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) {
      const k = await db.providerJwsKey.create({
        data: { envId: w.env.id, kid: `kid-${i}-${w.env.code}`, alg: "ES256", keyLabel: "EC P-256", jwk: { kty: "EC" }, spkiDer: new Uint8Array([0x30, i]), spkiSha256: `sha-${i}-${w.env.code}`, source: "uploaded", createdAt: new Date(t0 - Math.min(i, 3) * 1000) },
      });
      keys.push(k.id);
    }
    const retired = await db.providerJwsKey.create({
      data: { envId: w.env.id, kid: `kid-old-${w.env.code}`, alg: "ES256", keyLabel: "EC P-256", jwk: { kty: "EC" }, spkiDer: new Uint8Array([0x30, 9]), spkiSha256: `sha-old-${w.env.code}`, source: "uploaded", retireAt: new Date(t0 - 60_000) },
    });
    await checkList((q) => listProviderJwsKeysPage(w.admin.actor, w.env.code, q).then((p) => ({ ...p, rows: p.keys })), [...keys, retired.id], { exact: true, max: 500 });
    // Partners (and `active`) page the active keys only.
    await checkList((q) => listProviderJwsKeysPage(w.partnerA.actor, w.env.code, q).then((p) => ({ ...p, rows: p.keys })), keys, { exact: true, max: 500 });
    await checkList((q) => listProviderJwsKeysPage(w.admin.actor, w.env.code, { active: true, ...q }).then((p) => ({ ...p, rows: p.keys })), keys, { exact: true, max: 500 });
    await checkList((q) => listProviderJwsKeysPage(w.admin.actor, undefined, q).then((p) => ({ ...p, rows: p.keys })), keys, { max: 500 });

    const endpoints: string[] = [];
    for (let i = 0; i < 5; i++) {
      const e = await db.providerEndpoint.create({ data: { envId: w.env.id, kind: i % 2 ? "ingress_url" : "egress_cidr", value: i % 2 ? `https://api${i}.provider.eu/fsp` : `81.2.${70 + i}.0/24`, createdAt: new Date(t0 + Math.min(i, 3) * 1000) } });
      endpoints.push(e.id);
    }
    await db.providerEndpoint.create({ data: { envId: w.env.id, kind: "egress_cidr", value: "81.2.99.0/24", removedAt: new Date() } });
    const published = (q: { limit: number; cursor?: string; before?: string }) => listProviderEndpointsPage(w.partnerB.actor, w.env.code, q).then((p) => ({ ...p, rows: p.endpoints }));
    await checkList(published, endpoints, { exact: true, max: 500 });
    // Oldest first, as published (the id after a tie); the default page holds them all.
    const asPublished = await db.providerEndpoint.findMany({ where: { envId: w.env.id, removedAt: null }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true } });
    expect((await listProviderEndpointsPage(w.partnerB.actor, w.env.code)).endpoints.map((e) => e.id)).toEqual(asPublished.map((e) => e.id));
    // The CLI lists them all, following nextCursor.
    const out: string[] = [];
    expect(await runCli(["provider", "endpoint", "list", "--env", w.env.code], { out: (line) => out.push(line), err: () => {} }, { migrate: async () => [] })).toBe(0);
    expect(out.map((line) => line.split(" ")[0])).toEqual(asPublished.map((e) => e.id));

    // Environments: non-production first, then by code, across the production boundary page by page.
    const prod = [await makeEnvironment({ production: true, withCa: false }), await makeEnvironment({ production: true, withCa: false })];
    const all = await db.environment.findMany({ orderBy: [{ production: "asc" }, { code: "asc" }, { id: "asc" }], select: { id: true } });
    const expected = all.map((e) => e.id);
    const envs = (q: { limit: number; cursor?: string; before?: string }) => listEnvironmentsPage(w.partnerA.actor, q).then((p) => ({ ...p, rows: p.environments }));
    await checkList(envs, all.map((e) => e.id), { exact: true, max: 1000 });
    const { ids } = await walk(envs, 1);
    expect(ids).toEqual(expected);
    expect(ids.indexOf(w.env.id)).toBeLessThan(Math.min(...prod.map((e) => ids.indexOf(e.id))));
  });
});

describe("gateway exports read their rows in keyset batches", () => {
  it("the allowlist and the endpoint registry hold every row once, in order, across batches", async () => {
    const w = await makeWorld();
    const db = getDb();
    const n = EXPORT_BATCH_ROWS + 5;
    // More entries than one batch; groups of three share an approval time (ordered by CIDR then).
    await db.$executeRaw`INSERT INTO allowlist_entries (id, org_id, env_id, cidr, note, added_by_request_id, created_at)
      SELECT gen_random_uuid(), ${w.orgA.id}::uuid, ${w.env.id}::uuid, '10.' || (i / 256) || '.' || (i % 256) || '.0/24', 'n' || i, gen_random_uuid(), timestamptz '2026-01-01' + ((i / 3) || ' seconds')::interval
      FROM generate_series(0, ${n - 1}) i`;
    await db.$executeRaw`INSERT INTO allowlist_entries (id, org_id, env_id, cidr, added_by_request_id, removed_at) VALUES (gen_random_uuid(), ${w.orgA.id}::uuid, ${w.env.id}::uuid, '192.0.2.0/24', gen_random_uuid(), now())`;
    // The order of one query over the whole list: by approval time, then by address (inet order, not text).
    const rows = await db.$queryRaw<{ cidr: string }[]>`SELECT cidr FROM allowlist_entries WHERE env_id = ${w.env.id}::uuid AND removed_at IS NULL ORDER BY created_at, cidr::inet, id`;
    const order = rows.map((r) => r.cidr);
    expect(order.slice(9, 12)).toEqual(["10.0.9.0/24", "10.0.10.0/24", "10.0.11.0/24"]);
    expect(order).toHaveLength(n);
    expect((await exportAllowlist(w.gateway.actor, w.env.code, "txt")).body).toBe(order.map((c) => `${c}\n`).join(""));
    const json = JSON.parse((await exportAllowlist(w.officer1.actor, w.env.code, "json")).body);
    expect(json.entries.map((e: { cidr: string }) => e.cidr)).toEqual(order);
    expect(json.entries[0]).toEqual({ cidr: order[0], organisation: w.orgA.code, note: "n0", approvedAt: "2026-01-01T00:00:00.000Z" });
    const nginx = (await exportAllowlist(w.gateway.actor, w.env.code, "nginx")).body.split("\n");
    expect(nginx.slice(1, -2)).toEqual(order.map((c) => `allow ${c}; # ${w.orgA.code}`));

    // The registry: the provider's entries as published, partners' in the order they were confirmed (one without a decision time last).
    await db.$executeRaw`INSERT INTO provider_endpoints (id, env_id, kind, value, created_at)
      SELECT gen_random_uuid(), ${w.env.id}::uuid, 'egress_cidr', '172.16.' || (i / 256) || '.' || (i % 256) || '/32', timestamptz '2026-01-01' + ((i / 2) || ' seconds')::interval FROM generate_series(0, ${n - 1}) i`;
    await db.$executeRaw`INSERT INTO partner_endpoints (id, org_id, env_id, kind, value, status, decided_at, created_at, updated_at)
      SELECT gen_random_uuid(), ${w.orgB.id}::uuid, ${w.env.id}::uuid, 'ingress_cidr', '100.64.' || (i / 256) || '.' || (i % 256) || '/32', 'confirmed', timestamptz '2026-02-01' - ((i / 2) || ' seconds')::interval, timestamptz '2026-01-01' + (i || ' seconds')::interval, now()
      FROM generate_series(0, ${n - 1}) i`;
    await db.partnerEndpoint.create({ data: { orgId: w.orgB.id, envId: w.env.id, kind: "ingress_cidr", value: "100.127.0.1/32", status: "confirmed", createdAt: new Date("2025-01-01") } });
    await db.partnerEndpoint.create({ data: { orgId: w.orgB.id, envId: w.env.id, kind: "ingress_cidr", value: "100.127.0.2/32", status: "new" } });
    const provider = (await db.providerEndpoint.findMany({ where: { envId: w.env.id, removedAt: null }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { value: true } })).map((e) => e.value);
    const partner = (await db.partnerEndpoint.findMany({ where: { envId: w.env.id, status: "confirmed", removedAt: null }, orderBy: [{ decidedAt: { sort: "asc", nulls: "last" } }, { createdAt: "asc" }, { id: "asc" }], select: { value: true } })).map((e) => e.value);
    expect(partner).toHaveLength(n + 1);
    expect(partner.at(-1)).toBe("100.127.0.1/32");
    const registry = JSON.parse(String((await exportEndpoints(w.gateway.actor, w.env.code, "json")).body));
    expect(registry.provider.egressCidrs).toEqual(provider);
    expect(registry.partners).toEqual([{ organisation: w.orgB.code, callbacks: [], ingressCidrs: partner }]);
  });
});

describe("list routes", () => {
  it("answer a page with nextCursor, follow it, and refuse a bad cursor or limit with a 422", async () => {
    const w = await makeWorld();
    for (let i = 0; i < 3; i++) await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr(`/CN=route-${i}-${w.orgA.code}`).csr });
    const get = async (handler: unknown, path: string, token: string) => {
      const res = await (handler as (r: Request, c: { params: Promise<object> }) => Promise<Response>)(new Request(`http://localhost:3000${path}`, { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({}) });
      return { status: res.status, body: await res.json() };
    };
    const first = await get(requestsRoute.GET, "/api/v1/certificate-requests?limit=2", w.partnerA.token);
    expect(first.status).toBe(200);
    expect(first.body.requests).toHaveLength(2);
    expect(typeof first.body.nextCursor).toBe("string");
    const second = await get(requestsRoute.GET, `/api/v1/certificate-requests?limit=2&cursor=${first.body.nextCursor}`, w.partnerA.token);
    expect(second.body.requests).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    // Without limit: the default page (200) holds all three, as before pagination.
    expect((await get(requestsRoute.GET, "/api/v1/certificate-requests", w.partnerA.token)).body.requests).toHaveLength(3);
    const bad = await get(requestsRoute.GET, "/api/v1/certificate-requests?cursor=abc", w.partnerA.token);
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: "validation_failed", fields: { cursor: "Unknown cursor." } });
    expect(bad.body.error.message).toMatch(/nextCursor/);
    expect((await get(requestsRoute.GET, "/api/v1/certificate-requests?limit=501", w.partnerA.token)).status).toBe(422);
    expect((await get(requestsRoute.GET, "/api/v1/certificate-requests?limit=two", w.partnerA.token)).status).toBe(422);
    const users = await get(usersRoute.GET, "/api/v1/users?limit=1", w.admin.token);
    expect(users.body.users).toHaveLength(1);
    expect(typeof users.body.nextCursor).toBe("string");
    expect((await get(usersRoute.GET, "/api/v1/users?before=%%%", w.admin.token)).status).toBe(422);
    const providerRequests = await get(providerRequestsRoute.GET, `/api/v1/provider-certificate-requests?environment=${w.env.code}&status=pending&limit=5`, w.admin.token);
    expect(providerRequests).toMatchObject({ status: 200, body: { requests: [], nextCursor: null, prevCursor: null } });
    const unknown = await get(providerRequestsRoute.GET, "/api/v1/provider-certificate-requests?status=waiting", w.admin.token);
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatchObject({ code: "validation_failed", fields: { status: "status is pending, issued or rejected." } });

    // The provider's keys and endpoints and the environments: a page, its cursor, a 422 for a bad one.
    await getDb().providerEndpoint.createMany({ data: ["81.2.80.0/24", "81.2.81.0/24"].map((value, i) => ({ envId: w.env.id, kind: "egress_cidr" as const, value, createdAt: new Date(Date.now() + i * 1000) })) });
    const withParams = async (handler: unknown, path: string, token: string, params: object) => {
      const res = await (handler as (r: Request, c: { params: Promise<object> }) => Promise<Response>)(new Request(`http://localhost:3000${path}`, { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve(params) });
      return { status: res.status, body: await res.json() };
    };
    const path = `/api/v1/environments/${w.env.code}/provider-endpoints`;
    const published = await withParams(providerEndpointsRoute.GET, `${path}?limit=1`, w.partnerA.token, { code: w.env.code });
    expect(published.body.endpoints).toHaveLength(1);
    const rest = await withParams(providerEndpointsRoute.GET, `${path}?limit=1&cursor=${published.body.nextCursor}`, w.partnerA.token, { code: w.env.code });
    expect(rest.body).toMatchObject({ endpoints: [{ value: "81.2.81.0/24" }], nextCursor: null });
    expect(typeof rest.body.prevCursor).toBe("string");
    expect((await withParams(providerEndpointsRoute.GET, `${path}?before=abc`, w.partnerA.token, { code: w.env.code })).body.error).toMatchObject({ code: "validation_failed", fields: { before: "Unknown cursor." } });
    expect((await withParams(providerEndpointsRoute.GET, `${path}?limit=501`, w.partnerA.token, { code: w.env.code })).status).toBe(422);
    const envs = await get(environmentsRoute.GET, "/api/v1/environments?limit=1", w.partnerA.token);
    expect(envs.body.environments).toHaveLength(1);
    expect(Object.keys(envs.body.environments[0]).sort()).toEqual(["approvalsRequired", "code", "name", "production"]);
    expect(typeof envs.body.nextCursor).toBe("string");
    expect((await get(environmentsRoute.GET, `/api/v1/environments?cursor=${first.body.nextCursor}`, w.partnerA.token)).body.error).toMatchObject({ code: "validation_failed", fields: { cursor: "Unknown cursor." } });
    expect((await get(environmentsRoute.GET, "/api/v1/environments?limit=1001", w.partnerA.token)).status).toBe(422);
    const keys = await get(providerJwsKeysRoute.GET, `/api/v1/provider-jws-keys?environment=${w.env.code}`, w.partnerA.token);
    expect(keys.body).toEqual({ keys: [], nextCursor: null, prevCursor: null });
    expect((await get(providerJwsKeysRoute.GET, "/api/v1/provider-jws-keys?cursor=abc", w.partnerA.token)).status).toBe(422);
    expect((await get(providerJwsKeysRoute.GET, "/api/v1/provider-jws-keys?limit=0", w.partnerA.token)).status).toBe(422);
  });
});

// The officers' audit view: filters, exports (CSV with RFC 4180 quoting and no
// formula injection, JSON exact), the export itself audited, and the chain status.
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { submitCertificateRequest } from "@/lib/services/requests/submit-request";
import { rejectCertificateRequest } from "@/lib/services/requests/decide-request";
import { auditChainStatus, auditEventsToCsv, exportAuditEvents, listAuditActions, searchAuditEvents, type AuditRow } from "@/lib/services/audit/search-audit-events";
import { makeWorld, opensslCsr } from "@/lib/testing/world";

afterAll(disconnectDb);

const today = () => new Date().toISOString().slice(0, 10);

describe("audit search and export", () => {
  it("filters by action (exact or family), organisation, actor and date range", async () => {
    const w = await makeWorld();
    const { id } = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr(`/CN=${w.orgA.code}-audit`).csr });
    await rejectCertificateRequest(w.officer1.actor, id, { reason: '=HYPERLINK("x"), "quoted"' });

    const byOrg = await searchAuditEvents(w.officer2.actor, { organisation: w.orgA.code });
    expect(byOrg.events.map((e) => e.action)).toEqual(["certificate_request.reject", "certificate_request.submit", "token.create", "user.create", "organisation.create"]);
    expect(byOrg.events[0]).toMatchObject({ organisation: w.orgA.code, actorEmail: w.officer1.email, targetType: "certificate_request", targetId: id });

    const family = await searchAuditEvents(w.officer2.actor, { organisation: w.orgA.code, action: "certificate_request." });
    expect(family.events).toHaveLength(2);
    const exact = await searchAuditEvents(w.officer2.actor, { organisation: w.orgA.code, action: "certificate_request.submit" });
    expect(exact.events.map((e) => e.actorEmail)).toEqual([w.partnerA.email]);
    const byActor = await searchAuditEvents(w.officer2.actor, { actor: w.officer1.email.toUpperCase() });
    expect(byActor.events.every((e) => e.actorEmail === w.officer1.email)).toBe(true);
    expect((await searchAuditEvents(w.officer2.actor, { organisation: w.orgA.code, from: today(), to: today() })).events).toHaveLength(5);
    expect((await searchAuditEvents(w.officer2.actor, { organisation: w.orgA.code, to: "2000-01-01" })).events).toHaveLength(0);
    expect((await searchAuditEvents(w.officer2.actor, { organisation: "no-such-org" })).events).toHaveLength(0);
    expect(await listAuditActions(w.officer2.actor)).toEqual(expect.arrayContaining(["certificate_request.reject", "certificate_request.submit"]));

    for (const bad of [{ from: "yesterday" }, { from: "2024-02-30x" }, { from: "2025-02-02", to: "2025-01-01" }]) {
      await expect(searchAuditEvents(w.officer2.actor, bad)).rejects.toMatchObject({ code: "validation_failed" });
    }
    await expect(searchAuditEvents(w.partnerA.actor, {})).rejects.toBeInstanceOf(AppError);
  });

  it("exports CSV and JSON of the filtered events, records the export, and reports the chain", async () => {
    const w = await makeWorld();
    const { id } = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr(`/CN=${w.orgA.code}-export`).csr });
    await rejectCertificateRequest(w.officer1.actor, id, { reason: '=cmd|" /C calc"!A0, line\nbreak' });
    const before = await getDb().auditEvent.count();

    const csv = await exportAuditEvents(w.officer2.actor, { organisation: w.orgA.code, action: "certificate_request." }, "csv");
    expect(csv.contentType).toBe("text/csv; charset=utf-8");
    expect(csv.filename).toMatch(/^keyport-audit-\d{8}T\d{6}\.csv$/);
    const csvText = await new Response(csv.body).text();
    const lines = csvText.split("\r\n");
    expect(lines[0]).toBe("seq,time_utc,actor,organisation,action,target_type,target_id,source_ip,details,prev_hash,hash");
    // Oldest first.
    expect(lines[1]).toContain(",certificate_request.submit,");
    expect(csvText).toContain(",certificate_request.reject,");
    // The details JSON is quoted, its quotes doubled, its newline escaped by JSON.
    expect(csvText).toContain('"{""reason"":""=cmd|\\"" /C calc\\""!A0, line\\nbreak""}"');

    const json = await exportAuditEvents(w.officer2.actor, { organisation: w.orgA.code, action: "certificate_request.reject" }, "json");
    const parsed = JSON.parse(await new Response(json.body).text());
    expect(parsed.filters).toEqual({ organisation: w.orgA.code, action: "certificate_request.reject" });
    expect(parsed.events).toHaveLength(1);
    expect(parsed.events[0].details.reason).toBe('=cmd|" /C calc"!A0, line\nbreak');

    // Each export is itself an audit event.
    expect(await getDb().auditEvent.count()).toBe(before + 2);
    const exports = await searchAuditEvents(w.officer2.actor, { action: "audit.export", actor: w.officer2.email });
    expect(exports.events[0].details).toMatchObject({ format: "json", events: 1 });

    await expect(exportAuditEvents(w.officer2.actor, {}, "xml")).rejects.toMatchObject({ code: "bad_request" });
    await expect(exportAuditEvents(w.partnerA.actor, {}, "csv")).rejects.toMatchObject({ code: "forbidden" });
    expect(await auditChainStatus(w.officer1.actor)).toMatchObject({ ok: true });
  });

  it("neutralises spreadsheet formulas in CSV cells", () => {
    const row: AuditRow = {
      seq: "1",
      id: "i",
      at: new Date("2026-01-01T00:00:00Z"),
      actorEmail: "=SUM(A1)@x.test",
      actorId: null,
      organisation: "+org",
      orgId: null,
      action: "-x",
      targetType: "@t",
      targetId: null,
      sourceIp: null,
      details: {},
      prevHash: "0",
      hash: "1",
    };
    expect(auditEventsToCsv([row]).split("\r\n")[1]).toBe("1,2026-01-01T00:00:00.000Z,'=SUM(A1)@x.test,'+org,'-x,'@t,,,{},0,1");
  });
});

// Reads that stay flat (issue 21, part 3): keyset pages with an opaque cursor, and searches an
// index can serve (the planner is told to avoid sequential scans, so a plan without the index shows).
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { makeWorld, opensslCsr } from "@/lib/testing/world";
import { submitCertificateRequest } from "@/lib/services/requests/submit-request";
import { approveCertificateRequest } from "@/lib/services/requests/decide-request";
import { SEARCH_CANDIDATES, listCertificatesPage } from "@/lib/services/certificates/read-certificates";

afterAll(disconnectDb);

async function plan(sql: string, ...params: unknown[]): Promise<string> {
  return planWith([], sql, ...params);
}

/** The plan with more planner methods switched off (e.g. sort: is there an index that gives the order?). */
async function planWith(off: string[], sql: string, ...params: unknown[]): Promise<string> {
  return getDb().$transaction(async (tx) => {
    for (const method of ["seqscan", ...off]) await tx.$executeRawUnsafe(`SET LOCAL enable_${method} = off`);
    const rows = await tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${sql}`, ...params);
    if (process.env.I21_SHOW_PLAN) console.log(rows);
    return rows.map((r) => r["QUERY PLAN"]).join("\n");
  });
}

describe("certificate lists", () => {
  it("come one keyset page at a time, every certificate once; a cursor not from the list is refused", async () => {
    const w = await makeWorld({ approvalsRequired: 1 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { id } = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr(`/CN=page-${i}-${w.orgA.code}`).csr });
      ids.push((await approveCertificateRequest(w.officer1.actor, id)).certificateId!);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listCertificatesPage(w.partnerA.actor, { environment: w.env.code, limit: 2, cursor });
      expect(page.certificates.length).toBeLessThanOrEqual(2);
      seen.push(...page.certificates.map((c) => c.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 10);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual([...ids].sort());
    expect(pages).toBe(3);
    await expect(listCertificatesPage(w.partnerA.actor, { cursor: "not-a-cursor" })).rejects.toMatchObject({ code: "validation_failed" });
    // Search: part of the subject, and a serial prefix in another case.
    const one = (await listCertificatesPage(w.officer1.actor, { q: `page-3-${w.orgA.code}` })).certificates;
    expect(one.map((c) => c.id)).toEqual([ids[3]]);
    const serial = one[0].serial;
    expect((await listCertificatesPage(w.officer1.actor, { q: serial.slice(0, 8).toUpperCase() })).certificates.map((c) => c.id)).toContain(ids[3]);
  });

  it("search and list orders use indexes", async () => {
    expect(await plan(`SELECT id FROM certificates WHERE subject ILIKE $1`, "%abc-de%")).toMatch(/certificates_subject_trgm_idx/);
    expect(await plan(`SELECT id FROM certificates WHERE serial_hex ILIKE $1`, "0a1b2c%")).toMatch(/certificates_serial_hex_trgm_idx/);
    expect(await plan(`SELECT id FROM certificates WHERE sha256_fingerprint LIKE $1`, "AB:CD%")).toMatch(/certificates_sha256_fingerprint_prefix_idx/);
    expect(await plan(`SELECT id FROM certificates ORDER BY not_after, id LIMIT 10`)).toMatch(/certificates_not_after_id_idx/);
    expect(await plan(`SELECT id FROM certificates WHERE renews_certificate_id = $1::uuid`, "00000000-0000-4000-8000-000000000000")).toMatch(/renews_certificate_id/);
    expect(await plan(`SELECT count(*) FROM certificates WHERE ca_id = $1::uuid AND revoked_at IS NOT NULL`, "00000000-0000-4000-8000-000000000000")).toMatch(/using certificates_ca_id_/);
    expect(await plan(`SELECT id FROM audit_events WHERE seq IS NULL ORDER BY at, id LIMIT 500`)).toMatch(/audit_events_pending_idx/);
  });

  // The keyset condition lib/db/keyset.ts writes after a cursor: (k >= v) AND (k > v OR (k = v AND id > i)).
  // The index must both give the order and start at the cursor (an Index Cond on the key), so a deep
  // page reads what the first does.
  const T = "2026-01-01T00:00:00Z";
  const ID = "00000000-0000-4000-8000-000000000000";
  const after = (k: string, op: ">" | "<") => `${k} ${op}= $1::timestamptz AND (${k} ${op} $1::timestamptz OR (${k} = $1::timestamptz AND id ${op} $2::uuid))`;
  const startsAt = (index: string, key: string) => new RegExp(`${index}[\\s\\S]*Index Cond: [^\\n]*${key} [<>]=`);

  it("the review queue and request lists start each page at the cursor", async () => {
    // With sorting off the index gives the order itself: no sort of every row after the cursor.
    const queue = await planWith(["sort", "bitmapscan"], `SELECT id FROM certificate_requests WHERE status = 'pending' AND ${after("created_at", ">")} ORDER BY created_at, id LIMIT 101`, T, ID);
    expect(queue).toMatch(startsAt("certificate_requests_status_created_at_id_idx", "created_at"));
    expect(queue).not.toMatch(/Sort/);
    expect(await plan(`SELECT id FROM certificate_requests WHERE status = 'pending' AND ${after("created_at", ">")} ORDER BY created_at, id LIMIT 101`, T, ID)).toMatch(
      startsAt("certificate_requests_status_created_at_id_idx", "created_at"),
    );
    expect(await plan(`SELECT id FROM allowlist_requests WHERE status = 'pending' AND ${after("created_at", ">")} ORDER BY created_at, id LIMIT 101`, T, ID)).toMatch(
      startsAt("allowlist_requests_status_created_at_id_idx", "created_at"),
    );
    expect(await plan(`SELECT id FROM certificate_requests WHERE org_id = $3::uuid AND ${after("created_at", "<")} ORDER BY created_at DESC, id DESC LIMIT 51`, T, ID, ID)).toMatch(
      startsAt("certificate_requests_org_id_created_at_id_idx", "created_at"),
    );
    expect(await plan(`SELECT id FROM certificate_requests WHERE env_id = $3::uuid AND ${after("created_at", "<")} ORDER BY created_at DESC, id DESC LIMIT 51`, T, ID, ID)).toMatch(
      startsAt("certificate_requests_env_id_created_at_id_idx", "created_at"),
    );
    expect(await plan(`SELECT id FROM certificates WHERE ${after("not_after", ">")} ORDER BY not_after, id LIMIT 101`, T, ID)).toMatch(startsAt("certificates_not_after_id_idx", "not_after"));
  });

  it("the audit trail pages by seq (chained) and (at, id) (pending), starting at the cursor", async () => {
    // A small test table makes a bitmap scan and a sort cheapest; with sorting off, the plan shows the index gives the order itself.
    const chained = await planWith(["sort", "bitmapscan"], `SELECT id FROM audit_events WHERE seq < $1 ORDER BY seq DESC LIMIT 101`, 1000);
    expect(chained).toMatch(/Index Scan Backward using audit_events_seq_key[\s\S]*Index Cond: \(seq < /);
    expect(chained).not.toMatch(/Sort/);
    expect(await plan(`SELECT id FROM audit_events WHERE seq IS NULL AND ${after("at", "<")} ORDER BY at DESC, id DESC LIMIT 101`, T, ID)).toMatch(startsAt("audit_events_pending_idx", "at"));
    // The export's batches: the chain in seq order after the last one.
    expect(await plan(`SELECT id FROM audit_events WHERE seq IS NOT NULL AND seq <= $1 AND seq > $2 ORDER BY seq LIMIT 1000`, 5000, 1000)).toMatch(/audit_events_seq_key/);
    // The action filter's choices: a skip scan, one probe of the (action, at) index per distinct action.
    expect(await planWith(["sort", "bitmapscan"], `SELECT action FROM audit_events WHERE action > $1 ORDER BY action LIMIT 1`, "certificate.")).toMatch(/Index Only Scan using audit_events_action_at_idx[\s\S]*Index Cond: \(action > /);
  });

  it("the other lists have an index for their order and filters", async () => {
    const cases: [string, string, unknown[]][] = [
      [`SELECT id FROM organisations WHERE code >= $1 AND (code > $1 OR (code = $1 AND id > $2::uuid)) ORDER BY code, id LIMIT 51`, "organisations_code_(id_idx|key)", ["m", ID]], // code is unique too
      [`SELECT id FROM users WHERE email >= $1 AND (email > $1 OR (email = $1 AND id > $2::uuid)) ORDER BY email, id LIMIT 51`, "users_email_(id_idx|key)", ["m", ID]], // email is unique: its own index gives the order too
      [`SELECT id FROM users WHERE org_id = $3::uuid AND email >= $1 AND (email > $1 OR (email = $1 AND id > $2::uuid)) ORDER BY email, id LIMIT 51`, "users_org_id_email_id_idx", ["m", ID, ID]],
      [`SELECT id FROM api_tokens WHERE ${after("created_at", "<")} ORDER BY created_at DESC, id DESC LIMIT 51`, "api_tokens_created_at_id_idx", [T, ID]],
      [`SELECT id FROM notifications WHERE user_id = $3::uuid AND ${after("created_at", "<")} ORDER BY created_at DESC, id DESC LIMIT 51`, "notifications_user_id_created_at_id_idx", [T, ID, ID]],
      [`SELECT id FROM deliveries WHERE ${after("created_at", "<")} ORDER BY created_at DESC, id DESC LIMIT 101`, "deliveries_created_at_id_idx", [T, ID]],
      [`SELECT id FROM deliveries WHERE status = 'dead' AND ${after("created_at", "<")} ORDER BY created_at DESC, id DESC LIMIT 101`, "deliveries_status_created_at_id_idx", [T, ID]],
      [`SELECT id FROM allowlist_entries WHERE org_id = $3::uuid AND removed_at IS NULL AND ${after("created_at", ">")} ORDER BY created_at, cidr, id LIMIT 51`, "allowlist_entries_org_id_created_at_cidr_id_idx", [T, ID, ID]],
      [`SELECT id FROM partner_endpoints WHERE env_id = $3::uuid AND ${after("created_at", "<")} ORDER BY created_at DESC, id DESC LIMIT 51`, "partner_endpoints_env_id_created_at_id_idx", [T, ID, ID]],
      [`SELECT id FROM partner_jws_keys WHERE org_id = $3::uuid AND ${after("created_at", "<")} ORDER BY created_at DESC, id DESC LIMIT 51`, "partner_jws_keys_org_id_created_at_id_idx", [T, ID, ID]],
      [`SELECT id FROM partner_server_chains WHERE ${after("created_at", "<")} ORDER BY created_at DESC, id DESC LIMIT 51`, "partner_server_chains_created_at_id_idx", [T, ID]],
      [`SELECT id FROM provider_csrs WHERE env_id = $3::uuid AND ${after("created_at", "<")} ORDER BY created_at DESC, id DESC LIMIT 51`, "provider_csrs_env_id_created_at_id_idx", [T, ID, ID]],
      [`SELECT id FROM provider_certificate_requests WHERE env_id = $3::uuid AND status = 'pending' AND ${after("created_at", "<")} ORDER BY created_at DESC, id DESC LIMIT 51`, "provider_certificate_requests_(env_id_)?status_created_at_id_idx", [T, ID, ID]], // either gives the order; the planner picks by the tables' sizes
      [`SELECT id FROM provider_certificate_requests WHERE status = 'pending' AND ${after("created_at", "<")} ORDER BY created_at DESC, id DESC LIMIT 51`, "provider_certificate_requests_status_created_at_id_idx", [T, ID]],
      [`SELECT id FROM provider_jws_keys WHERE env_id = $3::uuid AND ${after("created_at", "<")} ORDER BY created_at DESC, id DESC LIMIT 101`, "provider_jws_keys_env_id_created_at_id_idx", [T, ID, ID]],
      [`SELECT id FROM provider_jws_keys WHERE ${after("created_at", "<")} ORDER BY created_at DESC, id DESC LIMIT 101`, "provider_jws_keys_created_at_id_idx", [T, ID]],
      [`SELECT id FROM provider_endpoints WHERE env_id = $3::uuid AND removed_at IS NULL AND ${after("created_at", ">")} ORDER BY created_at, id LIMIT 101`, "provider_endpoints_env_id_created_at_id_idx", [T, ID, ID]],
      // Environments: non-production first; after a non-production cursor, the rest of them and every production one.
      [`SELECT id FROM environments WHERE production = false AND (code > $1 OR (code = $1 AND id > $2::uuid)) OR production = true ORDER BY production, code, id LIMIT 201`, "environments_production_code_id_idx", ["M", ID]],
      // The gateway exports' batches: allowlist entries by (approved, CIDR), the registry's confirmed entries by decision time.
      [`SELECT id FROM provider_endpoints WHERE env_id = $3::uuid AND removed_at IS NULL AND ${after("created_at", ">")} ORDER BY created_at, id LIMIT 1000`, "provider_endpoints_env_id_created_at_id_idx", [T, ID, ID]],
      [
        `SELECT id FROM partner_endpoints WHERE env_id = $3::uuid AND status = 'confirmed' AND removed_at IS NULL AND decided_at IS NOT NULL AND decided_at >= $1::timestamptz AND (decided_at > $1::timestamptz OR (decided_at = $1::timestamptz AND created_at > $1::timestamptz) OR (decided_at = $1::timestamptz AND created_at = $1::timestamptz AND id > $2::uuid)) ORDER BY decided_at, created_at, id LIMIT 1000`,
        "partner_endpoints_env_id_status_decided_at_created_at_id_idx",
        [T, ID, ID],
      ],
    ];
    // Sorting off: whether an index gives the order, whatever the test tables' sizes make cheapest.
    for (const [sql, index, params] of cases) expect(await planWith(["sort", "bitmapscan"], sql, ...params), sql).toMatch(new RegExp(index));
  });

  it("the allowlist export's batches start at the cursor and sort only the entries of one approval time", async () => {
    // The query of exportBatches (lib/services/allowlist/allowlist-requests.ts) after a cursor. Full
    // sorts off (the test tables make one cheapest): the index gives the time order, and what is
    // left is an incremental sort of the entries sharing one approval time.
    const sql = `SELECT e.id, e.cidr, e.note, e.created_at, o.code AS org_code FROM allowlist_entries e JOIN organisations o ON o.id = e.org_id
      WHERE e.env_id = $3::uuid AND e.removed_at IS NULL AND e.created_at >= $1::timestamptz
        AND (e.created_at > $1::timestamptz OR (e.created_at = $1::timestamptz AND (e.cidr::inet, e.id) > ($4::inet, $2::uuid)))
      ORDER BY e.created_at, e.cidr::inet, e.id LIMIT 1000`;
    const p = await planWith(["sort", "bitmapscan"], sql, T, ID, ID, "10.0.0.0/24");
    expect(p).toMatch(startsAt("allowlist_entries_env_id_created_at_cidr_id_idx", "created_at"));
    expect(p).toMatch(/Incremental Sort[\s\S]*Presorted Key: e\.created_at/);
  });

  it("a search with few matches reads them from the search indexes; one with many walks the list order; both page in list order", async () => {
    const w = await makeWorld({ approvalsRequired: 1 });
    const { id } = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr(`/CN=many-0-${w.orgA.code}`).csr });
    const issued = await getDb().certificate.findFirstOrThrow({ where: { id: (await approveCertificateRequest(w.officer1.actor, id)).certificateId! } });
    // More rows than SEARCH_CANDIDATES sharing a subject part (copies of the issued row, in SQL: fast).
    const many = SEARCH_CANDIDATES + 50;
    await getDb().$executeRaw`INSERT INTO certificates (id, org_id, env_id, ca_id, profile_code, serial_hex, subject, not_before, not_after, der, public_key_fingerprint, sha256_fingerprint, created_at)
      SELECT gen_random_uuid(), org_id, env_id, ca_id, profile_code, md5(random()::text), 'CN=many-' || i || '-' || ${w.orgA.code} || ',O=x', not_before, not_after + (i || ' minutes')::interval, der, md5(random()::text), md5(random()::text), now()
      FROM certificates c, generate_series(1, ${many}) i WHERE c.id = ${issued.id}::uuid`;
    const inOrder = (rows: { notAfter: Date; id: string }[]) => rows.every((r, i) => i === 0 || rows[i - 1].notAfter < r.notAfter || (rows[i - 1].notAfter.getTime() === r.notAfter.getTime() && rows[i - 1].id < r.id));
    const dense = await listCertificatesPage(w.officer1.actor, { q: `-${w.orgA.code}`, limit: 50 });
    expect(dense.certificates).toHaveLength(50);
    expect(inOrder(dense.certificates)).toBe(true);
    expect(dense.certificates[0].id).toBe(issued.id);
    const next = await listCertificatesPage(w.officer1.actor, { q: `-${w.orgA.code}`, limit: 50, cursor: dense.nextCursor! });
    expect(next.certificates[0].notAfter.getTime()).toBeGreaterThanOrEqual(dense.certificates[49].notAfter.getTime());
    const few = await listCertificatesPage(w.officer1.actor, { q: `many-12-${w.orgA.code}`, limit: 50 });
    expect(few.certificates.map((c) => c.subject)).toEqual([`CN=many-12-${w.orgA.code},O=x`]);
    const serial = await listCertificatesPage(w.officer1.actor, { q: issued.serialHex.slice(0, 12) });
    expect(serial.certificates.map((c) => c.id)).toContain(issued.id);
  });
});

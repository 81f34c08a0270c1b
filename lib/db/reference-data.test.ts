// The issuance path's copy of the reference data (lib/db/reference-data.ts) never outlives a change:
// the triggers bump the version in the changing transaction, whoever changes the rows (here a
// separate connection, as another instance, the CLI or a database administrator would), and the
// next submission or approval reads the new rows.
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { readReferenceVersion } from "@/lib/db/reference-data";
import { makeWorld, opensslCsr } from "@/lib/testing/world";
import { submitCertificateRequest } from "@/lib/services/requests/submit-request";
import { approveCertificateRequest } from "@/lib/services/requests/decide-request";
import { refused } from "@/lib/testing/refused";

afterAll(disconnectDb);

async function elsewhere<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const version = () => readReferenceVersion(getDb());

describe("reference data version", () => {
  it("moves with every change to environments, profiles, organisations and CAs, and not with a CRL number", async () => {
    const w = await makeWorld({ approvalsRequired: 1 });
    const changes: [string, string][] = [
      ["environments", `UPDATE environments SET name = name || '.' WHERE id = '${w.env.id}'`],
      ["organisations", `UPDATE organisations SET legal_name = legal_name || '.' WHERE id = '${w.orgA.id}'`],
      ["profiles", `INSERT INTO profiles (id, code, name, definition, created_at, updated_at) SELECT gen_random_uuid(), 'rv-' || substr(md5(random()::text), 1, 8), 'x', '{}'::json, now(), now()`],
      ["certificate_authorities (active)", `UPDATE certificate_authorities SET active = active WHERE env_id = '${w.env.id}'`],
    ];
    for (const [table, sql] of changes) {
      const before = await version();
      await elsewhere((c) => c.query(sql));
      expect(await version(), table).not.toBe(before);
    }
    const before = await version();
    await elsewhere((c) => c.query(`UPDATE certificate_authorities SET crl_number = crl_number + 1 WHERE env_id = $1`, [w.env.id]));
    expect(await version()).toBe(before);
    // A transaction that rolls back leaves the version as it was.
    await elsewhere(async (c) => {
      await c.query("BEGIN");
      await c.query(`UPDATE environments SET name = name WHERE id = $1`, [w.env.id]);
      await c.query("ROLLBACK");
    });
    expect(await version()).toBe(before);
  });

  it("a change made on another connection applies to the very next approval and submission", async () => {
    const w = await makeWorld({ approvalsRequired: 1 });
    // Warm this process's copy: environment, organisation, profile and CA are read once.
    const first = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr("/CN=rv-warm").csr });
    expect((await approveCertificateRequest(w.officer1.actor, first.id)).status).toBe("issued");

    // Dual control raised behind this process's back: one approval no longer issues.
    await elsewhere((c) => c.query(`UPDATE environments SET approvals_required = 2 WHERE id = $1`, [w.env.id]));
    const second = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr("/CN=rv-dual").csr });
    expect((await approveCertificateRequest(w.officer1.actor, second.id)).status).toBe("pending");
    expect((await approveCertificateRequest(w.officer2.actor, second.id)).status).toBe("issued");

    // The environment renamed: its old code is unknown at once.
    const oldCode = w.env.code;
    await elsewhere((c) => c.query(`UPDATE environments SET code = $2 WHERE id = $1`, [w.env.id, `${oldCode}X`.slice(0, 12)]));
    const e = await refused(submitCertificateRequest(w.partnerA.actor, { environment: oldCode, csr: opensslCsr("/CN=rv-renamed").csr }), "validation_failed");
    expect(e.message).toMatch(/No environment with code/);

    // The issuing CA retired: the approval that needs it says so instead of signing with the old one.
    await elsewhere((c) => c.query(`UPDATE environments SET code = $2 WHERE id = $1`, [w.env.id, oldCode]));
    const third = await submitCertificateRequest(w.partnerA.actor, { environment: oldCode, csr: opensslCsr("/CN=rv-ca").csr });
    await approveCertificateRequest(w.officer1.actor, third.id);
    await elsewhere((c) => c.query(`UPDATE certificate_authorities SET active = false WHERE env_id = $1 AND kind = 'issuing'`, [w.env.id]));
    const noCa = await refused(approveCertificateRequest(w.officer2.actor, third.id), "conflict");
    expect(noCa.message).toMatch(/has no CA yet/);
    await elsewhere((c) => c.query(`UPDATE certificate_authorities SET active = true WHERE env_id = $1 AND kind = 'issuing'`, [w.env.id]));
  });
});

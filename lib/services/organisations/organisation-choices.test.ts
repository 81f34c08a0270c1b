// A form's organisation choices read a bounded number of rows: the list while it is short enough
// to pick from, else null (the form takes a code), however many organisations there are.
import { afterAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { disconnectDb, getDb } from "@/lib/db/client";
import { makeWorld, uniq } from "@/lib/testing/world";
import { ORGANISATION_LIST_MAX, organisationChoices } from "@/lib/services/organisations/list-organisations";

afterAll(disconnectDb);

describe("organisation choices", () => {
  it("are every organisation by code up to the bound, then null; a partner may not list them", async () => {
    const w = await makeWorld();
    const db = getDb();
    const before = await db.organisation.count();
    if (before <= ORGANISATION_LIST_MAX) {
      const choices = await organisationChoices(w.officer1.actor);
      expect(choices?.length).toBeGreaterThanOrEqual(before);
      expect(choices!.map((o) => o.code)).toEqual([...choices!.map((o) => o.code)].sort());
    }
    // Past the bound: more organisations than a list can help with.
    const missing = Math.max(0, ORGANISATION_LIST_MAX + 1 - before);
    if (missing) await db.organisation.createMany({ data: Array.from({ length: missing }, () => ({ id: randomUUID(), code: `CH${uniq()}`.toUpperCase().slice(0, 30), legalName: "Choice Ltd", groupEmail: "pki@example.com" })) });
    expect(await organisationChoices(w.officer1.actor)).toBeNull();
    await expect(organisationChoices(w.partnerA.actor)).rejects.toMatchObject({ code: "forbidden" });
  });
});

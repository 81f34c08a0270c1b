// A form's organisation choices read a bounded number of rows: the list while it is short enough
// to pick from, else null (the form takes a code), however many organisations there are.
import { afterAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { disconnectDb, getDb } from "@/lib/db/client";
import { makeWorld, uniq } from "@/lib/testing/world";
import { ORGANISATION_LIST_MAX, organisationChoices } from "@/lib/services/organisations/list-organisations";
import { USER_CHOICES_MAX, userEmailChoices } from "@/lib/services/users/list-users";

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
    // The same for a form's users (the admin token form): active ones by email, at most the bound.
    const emails = await userEmailChoices(w.admin.actor);
    if (emails) {
      expect(emails.length).toBeLessThanOrEqual(USER_CHOICES_MAX);
      expect(emails).toEqual([...emails].sort());
    }
    const users = await db.user.count({ where: { disabled: false } });
    expect(emails === null).toBe(users > USER_CHOICES_MAX);
    await expect(userEmailChoices(w.partnerA.actor)).rejects.toMatchObject({ code: "forbidden" });
  });
});

// Profile administration: create and edit with field-level errors, code immutable,
// lost updates refused, every change (and only a change) audited in the same transaction.
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { DEFAULT_PROFILE } from "@/lib/policy/profile";
import { createProfile, getProfileRecord, listProfileRecords, parseProfileJson, updateProfile } from "@/lib/services/profiles/manage-profiles";
import { findProfile, importProfile } from "@/lib/services/profiles/profiles";
import { makeEnvironment, makeOrganisation, makeUser, opensslCsr, uniq } from "@/lib/testing/world";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI_ACTOR } from "@/lib/auth/actor";
import { runCli } from "@/lib/cli/run-cli";
import { evaluateCsr } from "@/lib/services/csr/evaluate-csr";

afterAll(disconnectDb);

async function appError(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

const audits = (code: string) => getDb().auditEvent.findMany({ where: { action: { startsWith: "profile." }, details: { path: ["code"], equals: code } }, orderBy: [{ at: "asc" }, { seq: { sort: "asc", nulls: "last" } }] });

describe("profile administration", () => {
  it("creates, edits and audits profiles; refuses invalid definitions naming each field", async () => {
    const admin = await makeUser("admin");
    const officer = await makeUser("officer");
    const code = `p-${uniq()}`;
    // An environment of its own: the file must not depend on another file having seeded the demo's PRD.
    const env = await makeEnvironment();
    const def = { ...DEFAULT_PROFILE, code, name: "Test profile", environments: [env.code], validityDays: 90 };

    const bad = await appError(createProfile(admin.actor, { ...def, validityDays: 0, keys: ["rsa-1024"], subject: { CN: { pattern: "(" } }, extra: 1 }));
    expect(bad.code).toBe("validation_failed");
    expect(bad.fields).toMatchObject({ validityDays: "at least 1 day", "keys[0]": expect.stringMatching(/unknown key type/), "subject.CN.pattern": expect.stringMatching(/not a valid regular expression/), extra: "unknown field" });

    // "\u0000" is valid JSON, but no profile string may hold a control character (jsonb and the audit trail cannot store U+0000).
    const nul = await appError(createProfile(admin.actor, parseProfileJson(JSON.stringify({ ...def, name: "Test\u0000", subject: { CN: { pattern: "a\tb" } } }))));
    expect(nul.fields).toEqual({ name: expect.stringContaining("U+0000 (NUL)"), "subject.CN.pattern": expect.stringContaining("U+0009 (tab)") });

    expect(await createProfile(admin.actor, def)).toMatchObject({ changed: true });
    expect((await appError(createProfile(admin.actor, def))).code).toBe("conflict");
    expect((await appError(createProfile(admin.actor, DEFAULT_PROFILE))).code).toBe("conflict");
    expect((await appError(createProfile(officer.actor, { ...def, code: `${code}-x` }))).code).toBe("forbidden");

    const record = await getProfileRecord(admin.actor, code);
    expect(record.profile).toMatchObject({ validityDays: 90 });
    const stamp = record.updatedAt!.toISOString();
    expect(await updateProfile(admin.actor, code, { ...def, validityDays: 30 }, { expectedUpdatedAt: stamp })).toMatchObject({ changed: true });
    expect((await findProfile(code))?.validityDays).toBe(30);
    // The stale editor (old timestamp) cannot overwrite; the same definition again writes nothing.
    expect((await appError(updateProfile(admin.actor, code, { ...def, validityDays: 60 }, { expectedUpdatedAt: stamp }))).code).toBe("conflict");
    expect(await updateProfile(admin.actor, code, { ...def, validityDays: 30 })).toMatchObject({ changed: false });
    // The code cannot change; unknown codes are not found.
    expect((await appError(updateProfile(admin.actor, code, { ...def, code: `${code}-renamed` }))).fields).toMatchObject({ code: `Keep "${code}".` });
    expect((await appError(updateProfile(admin.actor, `${code}-missing`, { ...def, code: `${code}-missing` }))).code).toBe("not_found");

    const events = await audits(code);
    expect(events.map((e) => e.action)).toEqual(["profile.create", "profile.update"]);
    expect(events[1].details).toMatchObject({ before: { validityDays: 90 }, after: { validityDays: 30 } });
    expect(events[1].actorEmail).toBe(admin.email);
    expect((await listProfileRecords(admin.actor)).map((r) => r.code)).toEqual(expect.arrayContaining([code, DEFAULT_PROFILE.code]));
  });

  it("parses JSON with a line and column for syntax errors", () => {
    expect(parseProfileJson('{"a":1}')).toEqual({ a: 1 });
    const e = (() => {
      try {
        parseProfileJson('{\n  "a": 1,\n  "b": }');
      } catch (err) {
        return err as AppError;
      }
    })()!;
    expect(e.fields?.definition).toBe('Not valid JSON (line 3, column 8): unexpected "}".');
    expect(() => parseProfileJson("   ")).toThrow(/Paste the profile/);
  });
});

describe("definitions that cannot be stored (issue 14, finding 7)", () => {
  it("an unpaired surrogate (JSON \\ud800) in any string: 422 naming the field, through the editor, the update and the import; nothing stored", async () => {
    const admin = await makeUser("admin");
    const env = await makeEnvironment();
    const code = `p-${uniq()}`;
    const def = { ...DEFAULT_PROFILE, code, name: "Surrogates", environments: [env.code] };
    const text = JSON.stringify({ ...def, name: "Half LONE" }).replace("LONE", "\\ud800");
    const viaEditor = await appError(createProfile(admin.actor, parseProfileJson(text)));
    expect([viaEditor.code, viaEditor.fields]).toEqual(["validation_failed", { name: expect.stringMatching(/^name contains an unpaired UTF-16 surrogate \(U\+D800\)/) }]);
    const viaImport = await appError(importProfile(admin.actor, { ...def, subject: { CN: { required: true, pattern: "x\udc00" } } }));
    expect(viaImport.fields).toEqual({ "subject.CN.pattern": expect.stringMatching(/unpaired UTF-16 surrogate \(U\+DC00\)/) });
    expect(await getDb().profile.findUnique({ where: { code } })).toBeNull();
    await createProfile(admin.actor, def);
    const viaUpdate = await appError(updateProfile(admin.actor, code, { ...def, name: "\ud800" }));
    expect(viaUpdate.fields).toEqual({ name: expect.stringMatching(/unpaired UTF-16 surrogate/) });
    expect((await getDb().profile.findUnique({ where: { code } }))?.name).toBe("Surrogates");
    expect((await audits(code)).map((e) => e.action)).toEqual(["profile.create"]);
  });

  it("a definition nested 30,000 levels deep: the clear message from the editor, the services and the CLI, never a RangeError", async () => {
    const admin = await makeUser("admin");
    const code = `p-${uniq()}`;
    const deepText = `{"code":"${code}","name":${"[".repeat(30_000)}${"]".repeat(30_000)}}`;
    const editor = (() => {
      try {
        parseProfileJson(deepText);
      } catch (err) {
        return err as AppError;
      }
    })();
    expect(editor).toBeInstanceOf(AppError);
    // The profile object is the first level: the 64th "[" opens the 65th.
    expect(editor?.fields).toEqual({ definition: `The JSON is nested deeper than 64 levels (line 1, column ${deepText.indexOf("[") + 64}).` });
    const deep = JSON.parse(deepText);
    for (const attempt of [createProfile(admin.actor, deep), importProfile(admin.actor, deep), updateProfile(admin.actor, code, deep)]) {
      const e = await appError(attempt);
      expect([e.code, e.message]).toEqual(["validation_failed", "The profile is nested deeper than 64 levels; a profile needs only a few."]);
    }
    const dir = mkdtempSync(join(tmpdir(), "keyport-deep-"));
    try {
      const file = join(dir, "deep.json");
      writeFileSync(file, deepText);
      const err: string[] = [];
      expect(await runCli(["profile", "import", file], { out: () => {}, err: (x) => err.push(x) }, { migrate: async () => [] })).toBe(1);
      expect(err.join("\n")).toMatch(/nested deeper than 64 levels/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await getDb().profile.findUnique({ where: { code } })).toBeNull();
  });
});

describe("the built-in profile mtls-client", () => {
  it("can be edited or imported but not narrowed to some environments; csr check keeps working in every environment", async () => {
    const admin = await makeUser("admin");
    const [org, ppr, prd] = await Promise.all([makeOrganisation(), makeEnvironment(), makeEnvironment()]);
    const narrowed = { ...DEFAULT_PROFILE, environments: [ppr.code] };
    const viaEditor = await appError(updateProfile(admin.actor, DEFAULT_PROFILE.code, narrowed));
    expect(viaEditor.code).toBe("validation_failed");
    expect(viaEditor.fields).toEqual({ environments: expect.stringMatching(/^the built-in profile "mtls-client" applies to every environment: keep "\*"/) });
    const viaImport = await appError(importProfile(admin.actor, narrowed));
    expect(viaImport.fields).toEqual({ environments: expect.stringMatching(/applies to every environment/) });
    expect(await getDb().profile.findUnique({ where: { code: DEFAULT_PROFILE.code } })).toBeNull();

    const dir = mkdtempSync(join(tmpdir(), "keyport-profile-"));
    try {
      const file = join(dir, "mtls-client.json");
      writeFileSync(file, JSON.stringify(narrowed));
      const io = { out: [] as string[], err: [] as string[] };
      const code = await runCli(["profile", "import", file], { out: (x) => io.out.push(x), err: (x) => io.err.push(x) }, { migrate: async () => [] });
      expect([code, io.err.join("\n")]).toEqual([1, expect.stringMatching(/environments: the built-in profile "mtls-client" applies to every environment/)]);
      const csr = join(dir, "r.csr");
      writeFileSync(csr, opensslCsr(`/CN=${org.code}-client`).csr);
      for (const env of [ppr, prd]) {
        expect(await runCli(["csr", "check", csr, "--org", org.code, "--env", env.code], { out: () => {}, err: () => {} }, { migrate: async () => [] })).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // A narrowed override stored before this rule still applies everywhere.
    await getDb().profile.create({ data: { code: DEFAULT_PROFILE.code, name: DEFAULT_PROFILE.name, definition: narrowed as object } });
    try {
      const evaluation = await evaluateCsr(CLI_ACTOR, { csr: opensslCsr(`/CN=${org.code}-legacy`).csr, orgCode: org.code, envCode: prd.code });
      expect(evaluation.accepted).toBe(true);
      // Widening it back is allowed.
      expect(await updateProfile(admin.actor, DEFAULT_PROFILE.code, DEFAULT_PROFILE)).toMatchObject({ changed: true });
    } finally {
      await getDb().profile.deleteMany({ where: { code: DEFAULT_PROFILE.code } });
    }
  });
});

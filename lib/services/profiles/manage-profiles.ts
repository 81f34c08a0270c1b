import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { printable } from "@/lib/control-characters";
import { AppError } from "@/lib/errors";
import { MAX_JSON_DEPTH, jsonSyntaxError, nestedDeeperThan } from "@/lib/json-syntax";
import { DEFAULT_PROFILE, PROFILE_CODE, type Profile, validateProfile, validateProfileForSave } from "@/lib/policy/profile";
import { controlCharacterErrors, displayPath } from "@/lib/validation";

/**
 * What makes a profile definition unstorable before validation looks at it: nesting deeper than
 * MAX_JSON_DEPTH (a profile nests three levels; JSON.stringify and the audit trail's canonical
 * JSON would overflow the stack on 30,000), and in any string a control character or an
 * unpaired surrogate ("\u0000" and "\ud800" are valid JSON, but jsonb and the audit trail cannot
 * store them, and a pattern or name holding one is a mistake).
 */
export function refuseUnstorableDefinition(definition: unknown): void {
  if (nestedDeeperThan(definition)) {
    const message = `The profile is nested deeper than ${MAX_JSON_DEPTH} levels; a profile needs only a few.`;
    throw new AppError("validation_failed", message, { definition: message });
  }
  // Keyed as validateProfile names fields ("subject.CN.pattern", "keys[0]").
  const fields = controlCharacterErrors(definition, () => false, displayPath);
  if (Object.keys(fields).length) throw new AppError("validation_failed", `The profile has an error: ${[...new Set(Object.values(fields))].join(" ")}`, fields);
}

/** Parse a profile definition typed into a form; a JSON syntax error names the line and column. */
export function parseProfileJson(text: string): unknown {
  if (!text.trim()) throw new AppError("validation_failed", "Paste the profile's JSON definition.", { definition: "Paste the profile's JSON definition." });
  if (text.length > 64 * 1024) throw new AppError("too_large", "A profile definition is at most 64 KiB.", { definition: "At most 64 KiB." });
  const syntax = jsonSyntaxError(text);
  if (!syntax) return JSON.parse(text);
  throw new AppError("validation_failed", syntax, { definition: syntax });
}

function validOrThrow(definition: unknown): Profile {
  refuseUnstorableDefinition(definition);
  const v = validateProfileForSave(definition);
  if (!v.ok) {
    const fields = Object.fromEntries(v.errors.map((e) => [e.field, e.message]));
    throw new AppError("validation_failed", `The profile has ${v.errors.length === 1 ? "an error" : `${v.errors.length} errors`}: ${v.errors.map((e) => `${e.field}: ${e.message}`).join("; ")}.`, fields);
  }
  return v.profile;
}

type Tx = Parameters<Parameters<ReturnType<typeof getDb>["$transaction"]>[0]>[0];

/** Every environment a profile names must exist (a typo would silently make the profile unusable). */
export async function assertKnownEnvironments(tx: Tx, profile: Profile): Promise<void> {
  if (profile.environments === "*") return;
  const known = new Set((await tx.environment.findMany({ where: { code: { in: profile.environments } }, select: { code: true } })).map((e) => e.code));
  const fields: Record<string, string> = {};
  profile.environments.forEach((code, i) => {
    if (!known.has(code)) fields[`environments[${i}]`] = `no environment with code "${code}"`;
  });
  const bad = Object.entries(fields);
  if (bad.length) {
    throw new AppError("validation_failed", `The profile has ${bad.length === 1 ? "an error" : `${bad.length} errors`}: ${bad.map(([f, m]) => `${f}: ${m}`).join("; ")}.`, fields);
  }
}

export type ProfileRecord = {
  code: string;
  name: string;
  profile: Profile | null;
  /** The built-in default with no stored override. */
  builtIn: boolean;
  updatedAt: Date | null;
  error: string | null;
};

/** Stored profiles for administration, including an invalid stored row (shown, not hidden). */
export async function listProfileRecords(actor: Actor): Promise<ProfileRecord[]> {
  authorize(actor, "profile:write");
  const rows = await getDb().profile.findMany({ orderBy: { code: "asc" } });
  const records: ProfileRecord[] = rows.map((r) => {
    const v = validateProfile(r.definition);
    return {
      code: r.code,
      name: r.name,
      profile: v.ok ? v.profile : null,
      builtIn: false,
      updatedAt: r.updatedAt,
      error: v.ok ? null : `${v.errors[0].field}: ${v.errors[0].message}`,
    };
  });
  if (!records.some((r) => r.code === DEFAULT_PROFILE.code)) {
    records.unshift({ code: DEFAULT_PROFILE.code, name: DEFAULT_PROFILE.name, profile: DEFAULT_PROFILE, builtIn: true, updatedAt: null, error: null });
  }
  return records;
}

/** One profile's stored definition as it is (even if invalid), for the editor. */
export async function getProfileRecord(actor: Actor, code: string): Promise<ProfileRecord & { definition: unknown }> {
  authorize(actor, "profile:write");
  // A code that cannot exist (profile codes are 2–50 lower-case letters, digits or hyphens) is not looked up.
  const row = PROFILE_CODE.test(code) ? await getDb().profile.findUnique({ where: { code } }) : null;
  if (!row) {
    if (code === DEFAULT_PROFILE.code) return { code, name: DEFAULT_PROFILE.name, profile: DEFAULT_PROFILE, builtIn: true, updatedAt: null, error: null, definition: DEFAULT_PROFILE };
    throw new AppError("not_found", `No profile with code "${printable(code, 60)}".`);
  }
  const v = validateProfile(row.definition);
  return {
    code: row.code,
    name: row.name,
    profile: v.ok ? v.profile : null,
    builtIn: false,
    updatedAt: row.updatedAt,
    error: v.ok ? null : `${v.errors[0].field}: ${v.errors[0].message}`,
    definition: row.definition,
  };
}

/** Create a new profile; refuses a code that exists (the built-in default included). */
export async function createProfile(actor: Actor, definition: unknown) {
  authorize(actor, "profile:write");
  const profile = validOrThrow(definition);
  return getDb().$transaction(async (tx) => {
    // Serialise writers of one code so two creates cannot both pass the existence check.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`profile:${profile.code}`}))`;
    const exists = (await tx.profile.findUnique({ where: { code: profile.code } })) || profile.code === DEFAULT_PROFILE.code;
    if (exists) throw new AppError("conflict", `A profile with code "${profile.code}" already exists; edit it instead.`, { code: "This code is taken." });
    await assertKnownEnvironments(tx, profile);
    const row = await tx.profile.create({ data: { code: profile.code, name: profile.name, definition: profile as object } });
    await recordAudit(tx, actor, { action: "profile.create", targetType: "profile", targetId: row.id, details: { code: profile.code, before: null, after: profile } });
    return { profile, changed: true };
  });
}

/**
 * Replace a profile's definition. The code cannot change (requests and certificates
 * name their profile by code). `expectedUpdatedAt` refuses to overwrite a change
 * made since the editor was opened. An identical definition writes nothing.
 */
export async function updateProfile(actor: Actor, code: string, definition: unknown, opts: { expectedUpdatedAt?: string | null } = {}) {
  authorize(actor, "profile:write");
  const profile = validOrThrow(definition);
  if (profile.code !== code) {
    throw new AppError("validation_failed", `The code cannot change from "${code}" to "${profile.code}"; create a new profile instead.`, { code: `Keep "${code}".` });
  }
  return getDb().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`profile:${code}`}))`;
    const row = await tx.profile.findUnique({ where: { code } });
    if (!row && code !== DEFAULT_PROFILE.code) throw new AppError("not_found", `No profile with code "${code.slice(0, 60)}".`);
    const expected = opts.expectedUpdatedAt || null;
    const actual = row ? row.updatedAt.toISOString() : null;
    if (opts.expectedUpdatedAt !== undefined && expected !== actual) {
      throw new AppError("conflict", "Someone changed this profile after you opened it. Reload the page to see their version, then apply your change again.");
    }
    const before = row ? row.definition : DEFAULT_PROFILE;
    // Key order counts: subject rules are listed (and suggested) in the profile's order.
    if (JSON.stringify(before) === JSON.stringify(profile)) return { profile, changed: false };
    await assertKnownEnvironments(tx, profile);
    const saved = await tx.profile.upsert({
      where: { code },
      create: { code, name: profile.name, definition: profile as object },
      update: { name: profile.name, definition: profile as object },
    });
    await recordAudit(tx, actor, { action: "profile.update", targetType: "profile", targetId: saved.id, details: { code, before, after: profile } });
    return { profile, changed: true };
  });
}

import { getDb, type Tx } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { DEFAULT_PROFILE, type Profile, validateProfile, validateProfileForSave } from "@/lib/policy/profile";
import { assertKnownEnvironments, refuseUnstorableDefinition } from "./manage-profiles";

type Reader = Pick<Tx, "profile">;

/** A profile by code; `mtls-client` is built in and exists even with no row (a row overrides it). */
export async function findProfile(code: string, db: Reader = getDb()): Promise<Profile | null> {
  const row = await db.profile.findUnique({ where: { code } });
  if (row) {
    const v = validateProfile(row.definition);
    if (!v.ok) throw new AppError("internal", `Stored profile "${code}" is invalid at ${v.errors[0].field}: ${v.errors[0].message}.`);
    return v.profile;
  }
  return code === DEFAULT_PROFILE.code ? DEFAULT_PROFILE : null;
}

export async function getProfile(actor: Actor, code: string): Promise<Profile> {
  authorize(actor, "profile:read");
  const p = await findProfile(code);
  if (!p) throw new AppError("not_found", `No profile with code "${code}".`);
  return p;
}

export async function listProfiles(actor: Actor): Promise<Profile[]> {
  authorize(actor, "profile:read");
  const rows = await getDb().profile.findMany({ orderBy: { code: "asc" } });
  const profiles = rows.map((r) => {
    const v = validateProfile(r.definition);
    return v.ok ? v.profile : null;
  });
  const list = profiles.filter((p): p is Profile => p !== null);
  if (!list.some((p) => p.code === DEFAULT_PROFILE.code)) list.unshift(DEFAULT_PROFILE);
  return list;
}

/** Create or replace a profile from its JSON definition; a malformed one is refused naming the field. */
export async function importProfile(actor: Actor, definition: unknown) {
  authorize(actor, "profile:write");
  refuseUnstorableDefinition(definition);
  const v = validateProfileForSave(definition);
  if (!v.ok) {
    const fields = Object.fromEntries(v.errors.map((e) => [e.field, e.message]));
    throw new AppError("validation_failed", `Invalid profile: ${v.errors.map((e) => `${e.field}: ${e.message}`).join("; ")}.`, fields);
  }
  const profile = v.profile;
  return getDb().$transaction(async (tx) => {
    await assertKnownEnvironments(tx, profile);
    const before = await tx.profile.findUnique({ where: { code: profile.code } });
    const row = await tx.profile.upsert({
      where: { code: profile.code },
      create: { code: profile.code, name: profile.name, definition: profile as object },
      update: { name: profile.name, definition: profile as object },
    });
    await recordAudit(tx, actor, {
      action: before ? "profile.update" : "profile.create",
      targetType: "profile",
      targetId: row.id,
      details: { code: profile.code, before: before?.definition ?? null, after: profile },
    });
    return { profile, created: !before };
  });
}

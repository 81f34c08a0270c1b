import type { JWK } from "jose";
import { z } from "zod";
import type { Prisma } from "@/lib/generated/prisma/client";
import { defineKeyset, pageParams } from "@/lib/db/keyset";
import { parseInput } from "@/lib/validation";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { AppError } from "@/lib/errors";
import { pemEncode } from "@/lib/pki/pem";
import { requireEnvironment } from "@/lib/services/environments/find-environment";
import { assertId, orgScope } from "@/lib/services/scope";
import { providerKeyState } from "@/lib/services/jws-keys/key-state";
import { JWS_KEY_FORMATS } from "@/lib/services/jws-keys/schemas";

type Row = { id: string; kid: string; alg: string; keyLabel: string; jwk: unknown; spkiDer: Uint8Array; spkiSha256: string; source: string; retireAt: Date | null; createdAt: Date; env: { code: string } };

/** What anyone allowed to read sees: the public half only (no sealed key, no master key id). */
export function providerJwsKeyView(r: Row, now = new Date()) {
  return {
    id: r.id,
    environment: r.env.code,
    kid: r.kid,
    alg: r.alg,
    key: r.keyLabel,
    source: r.source,
    jwk: { ...(r.jwk as JWK), kid: r.kid, alg: r.alg, use: "sig" } as JWK,
    pem: pemEncode("PUBLIC KEY", new Uint8Array(r.spkiDer)),
    spkiSha256: r.spkiSha256, state: providerKeyState(r, now), retireAt: r.retireAt, createdAt: r.createdAt };
}
const select = { id: true, kid: true, alg: true, keyLabel: true, jwk: true, spkiDer: true, spkiSha256: true, source: true, retireAt: true, createdAt: true, env: { select: { code: true } } } as const;

const providerKeysPaging = z.object(pageParams({ defaultLimit: 100, maxLimit: 500 }));
// Newest first (provider_jws_keys_(env_id_)created_at_id_idx).
const providerKeysKeyset = defineKeyset<Prisma.ProviderJwsKeyWhereInput, Prisma.ProviderJwsKeyOrderByWithRelationInput>("provider-jws-keys", [{ field: "createdAt", type: "date" }], "desc");
type Paging = { limit?: unknown; cursor?: string; before?: string };

/** One page of the provider's JWS keys of an environment (or of all), newest first; partners (and with `active`) see only the active ones. */
export async function listProviderJwsKeysPage(actor: Actor, envCode?: string, opts: { active?: boolean } & Paging = {}) {
  authorize(actor, "provider-jws-key:read");
  const paging = parseInput(providerKeysPaging, { limit: opts.limit, cursor: opts.cursor, before: opts.before });
  const env = envCode ? await requireEnvironment(envCode.toUpperCase()) : null;
  const now = new Date();
  const activeOnly = opts.active || orgScope(actor) !== null;
  const base: Prisma.ProviderJwsKeyWhereInput = { ...(env ? { envId: env.id } : {}), ...(activeOnly ? { OR: [{ retireAt: null }, { retireAt: { gt: now } }] } : {}) };
  const page = await providerKeysKeyset.page(paging, ({ where, orderBy, take }) => getDb().providerJwsKey.findMany({ where: { AND: [base, where] }, select, orderBy, take }));
  return { keys: page.rows.map((r) => providerJwsKeyView(r, now)), nextCursor: page.nextCursor, prevCursor: page.prevCursor };
}

/** The first page (see listProviderJwsKeysPage). */
export async function listProviderJwsKeys(actor: Actor, envCode?: string, opts: { active?: boolean } & Paging = {}) {
  return (await listProviderJwsKeysPage(actor, envCode, opts)).keys;
}

/** One provider key as a file: PEM SPKI or JWK (with kid, alg, use). Partners download active keys only. */
export async function downloadProviderJwsKey(actor: Actor, id: string, format: string) {
  authorize(actor, "provider-jws-key:read");
  if (!(JWS_KEY_FORMATS as readonly string[]).includes(format)) throw new AppError("bad_request", `Unknown format "${format.slice(0, 40)}"; use one of ${JWS_KEY_FORMATS.join(", ")}.`);
  const db = getDb();
  const row = await db.providerJwsKey.findUnique({ where: { id: assertId(id, "provider JWS key") }, select });
  if (!row || (orgScope(actor) !== null && providerKeyState(row) !== "active")) throw new AppError("not_found", `No provider JWS key with id "${id}".`);
  const base = `provider-${row.env.code}-jws-${row.kid.slice(0, 12)}`;
  const file =
    format === "pem"
      ? { body: pemEncode("PUBLIC KEY", new Uint8Array(row.spkiDer)), contentType: "application/x-pem-file", filename: `${base}.pem` }
      : { body: `${JSON.stringify({ ...(row.jwk as object), kid: row.kid, alg: row.alg, use: "sig" }, null, 2)}\n`, contentType: "application/jwk+json", filename: `${base}.jwk.json` };
  await db.$transaction((tx) => recordAudit(tx, actor, { action: "provider_jws_key.download", orgId: orgScope(actor), targetType: "provider_jws_key", targetId: row.id, details: { environment: row.env.code, kid: row.kid, format } }));
  return file;
}

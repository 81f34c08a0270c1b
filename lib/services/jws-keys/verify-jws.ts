import type { JWK } from "jose";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { parseHttpRequestText, verifySignedRequest } from "@/lib/pki/jws/verify-signed-request";
import { parseInput } from "@/lib/validation";
import { requireEnvironment } from "@/lib/services/environments/find-environment";
import { orgScope } from "@/lib/services/scope";
import { jwsKeyState } from "./key-state";
import { type VerifyJwsInput, verifyJwsSchema } from "./schemas";

/**
 * The signature check tool: does this request (method, URL, headers with FSPIOP-Signature, body)
 * or compact JWS verify with the partner's keys in this environment, and if not, why. Partners
 * check against their own keys; officers and admins name the organisation. Reads only.
 */
export async function verifyJwsSignature(actor: Actor, input: VerifyJwsInput | Record<string, unknown>) {
  authorize(actor, "jws:verify");
  const data = parseInput(verifyJwsSchema, input);
  const env = await requireEnvironment(data.environment.toUpperCase());
  const db = getDb();
  const own = orgScope(actor);
  if (!own && !data.organisation) throw new AppError("validation_failed", "Name the organisation whose keys verify the signature.", { organisation: "Required." });
  const org = own ? await db.organisation.findUnique({ where: { id: own } }) : await db.organisation.findUnique({ where: { code: data.organisation! } });
  if (!org || (own && data.organisation && data.organisation !== org.code)) throw new AppError("not_found", `No organisation with code "${(data.organisation ?? "").slice(0, 64)}".`);
  if (data.request?.trim()) {
    const parsed = parseHttpRequestText(data.request);
    if (!parsed) throw new AppError("validation_failed", 'The request must start with a request line such as "POST /transfers HTTP/1.1", then its headers, an empty line and the body.', { request: "No request line." });
    Object.assign(data, { method: data.method || parsed.method, url: data.url || parsed.url, headers: parsed.headers, body: data.body ?? parsed.body });
  }
  if (!data.jws?.trim() && !data.headers) throw new AppError("validation_failed", "Paste the request's headers (with FSPIOP-Signature) or a compact JWS.", { headers: "Required without a JWS." });
  const rows = await db.partnerJwsKey.findMany({ where: { orgId: org.id, envId: env.id }, orderBy: { createdAt: "desc" }, take: 50 });
  const now = new Date();
  const keys = rows.map((r) => ({ kid: r.kid, alg: r.alg, jwk: r.jwk as JWK, state: jwsKeyState(r, now), retireAt: r.retireAt }));
  const result = await verifySignedRequest({ method: data.method, url: data.url, headers: data.headers, body: data.body, jws: data.jws }, keys, { allowed: env.jwsAlgorithms });
  return { environment: env.code, organisation: org.code, ...result };
}

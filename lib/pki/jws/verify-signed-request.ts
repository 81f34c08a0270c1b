// Does a signed API message verify with a partner's keys, and if not, why? Two inputs:
// - a Mojaloop request: method, URL, headers and body, with FSPIOP-Signature = JSON
//   { "signature": b64url, "protectedHeader": b64url(JSON) } over `protectedHeader.b64url(body)`
//   (Mojaloop "Signature" API Definition v1.1 §3), whose protected header carries alg and the
//   signed request headers FSPIOP-URI, FSPIOP-HTTP-Method, FSPIOP-Source, FSPIOP-Destination
//   (when the request has one) and Date, each of which must equal the request's;
// - a compact JWS (RFC 7515 §7.1), its payload attached or detached (RFC 7515 App. F: the body).
// Every step is a named check; the first failing one is the reason. Pure: jose over WebCrypto.
import { base64url, flattenedVerify, importJWK, type JWK } from "jose";
import { isJwsAlgorithm } from "./jws-policy";

export type JwsKeyState = "active" | "retired" | "pending" | "rejected";
export type VerificationKey = { kid: string; alg: string; jwk: JWK; state: JwsKeyState; retireAt?: Date | null };

export type VerifyReason =
  | "malformed"
  | "alg_not_allowed"
  | "unknown_kid"
  | "no_keys"
  | "body_changed"
  | "key_retired"
  | "key_not_endorsed"
  | "header_missing"
  | "header_mismatch";

export type VerifyCheck = { code: string; result: "pass" | "fail" | "skip"; message: string };
export type VerifyResult = {
  verified: boolean;
  reason: VerifyReason | null;
  /** The signed header that differs or is missing, for header_mismatch / header_missing. */
  header: string | null;
  message: string;
  format: "fspiop" | "compact" | null;
  alg: string | null;
  kid: string | null;
  checks: VerifyCheck[];
};

export type SignedRequest = {
  method?: string;
  url?: string;
  /** Header name → value (any case), or the raw header lines "Name: value". */
  headers?: Record<string, string> | string;
  body?: string;
  /** A compact JWS instead of (or with) the request. */
  jws?: string;
};

/** The request headers the FSPIOP protected header must carry, and the optional one. */
export const FSPIOP_SIGNED_HEADERS = ["FSPIOP-URI", "FSPIOP-HTTP-Method", "FSPIOP-Source", "Date"] as const;

/** "Name: value" lines (a pasted request's header block) → lower-case name → value. */
export function parseHeaderLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i <= 0) continue;
    out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

/**
 * A request pasted as HTTP/1.1 text (RFC 9112 §2.1): the request line "POST /transfers HTTP/1.1",
 * header lines, an empty line, then the body as is. Null when the first line is not a request line.
 */
export function parseHttpRequestText(text: string): { method: string; url: string; headers: Record<string, string>; body: string } | null {
  const normalised = text.replace(/^\uFEFF/, "");
  const split = /\r?\n\r?\n/.exec(normalised);
  const head = split ? normalised.slice(0, split.index) : normalised;
  const body = split ? normalised.slice(split.index + split[0].length) : "";
  const [requestLine, ...lines] = head.split(/\r?\n/);
  const m = /^([A-Za-z]{3,10})\s+(\S+)(?:\s+HTTP\/\d(?:\.\d)?)?\s*$/.exec(requestLine.trim());
  if (!m) return null;
  return { method: m[1].toUpperCase(), url: m[2], headers: parseHeaderLines(lines.join("\n")), body };
}

const lower = (h: SignedRequest["headers"]): Record<string, string> =>
  typeof h === "string" ? parseHeaderLines(h) : Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));

const decodeJson = (b64: string): Record<string, unknown> | null => {
  try {
    const v = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(base64url.decode(b64)));
    return v && typeof v === "object" && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
};

const clip = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n)}…` : s);

export async function verifySignedRequest(req: SignedRequest, keys: VerificationKey[], opts: { allowed: readonly string[] }): Promise<VerifyResult> {
  const checks: VerifyCheck[] = [];
  const result = (reason: VerifyReason | null, message: string, extra: Partial<VerifyResult> = {}): VerifyResult => ({
    verified: reason === null,
    reason,
    header: null,
    message,
    format: null,
    alg: null,
    kid: null,
    checks,
    ...extra,
  });
  const headers = lower(req.headers);
  const body = req.body ?? "";

  // 1. The three parts.
  let format: "fspiop" | "compact";
  let protectedB64: string;
  let payloadB64: string;
  let signature: string;
  const compact = req.jws?.trim();
  if (compact) {
    format = "compact";
    const parts = compact.split(".");
    if (parts.length !== 3 || !parts[0] || !parts[2]) return fail("malformed", "A compact JWS is three base64url parts joined by dots: header.payload.signature.");
    [protectedB64, payloadB64, signature] = parts;
    // RFC 7515 App. F: a detached payload is the request body.
    if (!payloadB64) payloadB64 = base64url.encode(body);
  } else if (headers["fspiop-signature"]) {
    format = "fspiop";
    let sig: unknown;
    try {
      sig = JSON.parse(headers["fspiop-signature"]);
    } catch {
      return fail("malformed", 'FSPIOP-Signature is not JSON; Mojaloop sends {"signature": "…", "protectedHeader": "…"}.');
    }
    const s = sig as Record<string, unknown>;
    if (!s || typeof s.signature !== "string" || typeof s.protectedHeader !== "string") return fail("malformed", 'FSPIOP-Signature lacks "signature" or "protectedHeader" (both base64url strings).');
    protectedB64 = s.protectedHeader;
    signature = s.signature;
    payloadB64 = base64url.encode(body);
  } else {
    return fail("malformed", "There is no FSPIOP-Signature header and no compact JWS to check.");
  }
  const protectedHeader = decodeJson(protectedB64);
  if (!protectedHeader) return fail("malformed", "The protected header is not base64url of a JSON object.", { format });
  checks.push({ code: "jws.format", result: "pass", message: format === "fspiop" ? "FSPIOP-Signature with a JSON protected header." : "Compact JWS." });

  // 2. Algorithm.
  const alg = typeof protectedHeader.alg === "string" ? protectedHeader.alg : "";
  if (!isJwsAlgorithm(alg) || !opts.allowed.includes(alg)) {
    return fail("alg_not_allowed", `The algorithm "${clip(alg || "(none)", 16)}" is not allowed; this environment allows ${opts.allowed.join(", ")}.`, { format, alg: alg || null });
  }
  checks.push({ code: "jws.alg", result: "pass", message: `${alg} is allowed.` });

  // 3. Which keys.
  const kid = typeof protectedHeader.kid === "string" ? protectedHeader.kid : null;
  let candidates = keys;
  if (kid !== null) {
    candidates = keys.filter((k) => k.kid === kid);
    if (!candidates.length) return fail("unknown_kid", `No key of this partner has kid "${clip(kid, 64)}".`, { format, alg, kid });
    if (candidates.every((k) => k.alg !== alg)) return fail("alg_not_allowed", `Key ${clip(kid, 64)} is registered for ${candidates[0].alg}, not ${alg}.`, { format, alg, kid });
    checks.push({ code: "jws.kid", result: "pass", message: `kid ${kid} is known.` });
  } else {
    if (!keys.length) return fail("no_keys", "This partner has no JWS key in this environment.", { format, alg });
    candidates = keys.filter((k) => k.alg === alg);
    if (!candidates.length) return fail("alg_not_allowed", `None of this partner's keys is registered for ${alg} (they use ${[...new Set(keys.map((k) => k.alg))].join(", ")}).`, { format, alg });
    checks.push({ code: "jws.kid", result: "skip", message: `No kid: every ${alg} key of the partner is tried (${candidates.length}).` });
  }

  // 4. The signature over protected header and body (payload).
  let verifiedWith: VerificationKey | null = null;
  for (const k of candidates.filter((c) => c.alg === alg)) {
    try {
      await flattenedVerify({ protected: protectedB64, payload: payloadB64, signature }, await importJWK(k.jwk, k.alg), { algorithms: [k.alg] });
      verifiedWith = k;
      break;
    } catch {
      // try the next key
    }
  }
  const base = { format, alg, kid: verifiedWith?.kid ?? kid };
  let signatureFailure: VerifyResult | null = null;
  if (!verifiedWith) {
    const what = format === "compact" && req.jws?.split(".")[1] ? "the payload" : "the body";
    signatureFailure = fail("body_changed", `The signature does not verify over the protected header and ${what}: ${what} was changed after signing (or the signature was).`, base);
  } else if (verifiedWith.state === "retired") {
    signatureFailure = fail("key_retired", `The signature verifies with key ${verifiedWith.kid}, but that key was retired${verifiedWith.retireAt ? ` on ${verifiedWith.retireAt.toISOString()}` : ""}.`, base);
  } else if (verifiedWith.state !== "active") {
    signatureFailure = fail("key_not_endorsed", `The signature verifies with key ${verifiedWith.kid}, but that key is ${verifiedWith.state}: officers have not endorsed it.`, base);
  } else {
    checks.push({ code: "jws.signature", result: "pass", message: `The signature verifies with active key ${verifiedWith.kid}.` });
  }
  if (signatureFailure) return signatureFailure;

  // 5. The signed request headers equal the request's.
  const fspiopSigned = format === "fspiop" || FSPIOP_SIGNED_HEADERS.some((h) => h in protectedHeader);
  if (fspiopSigned) {
    const mismatch = checkSignedHeaders(protectedHeader, headers, req, checks);
    if (mismatch) return { ...result(mismatch.reason, mismatch.message, base), header: mismatch.header };
  }
  return result(null, `Verified with key ${verifiedWith!.kid} (${alg})${fspiopSigned ? "; every signed header equals the request's" : ""}.`, base);

  function fail(reason: VerifyReason, message: string, extra: Partial<VerifyResult> = {}): VerifyResult {
    checks.push({ code: `jws.${reason}`, result: "fail", message });
    return result(reason, message, extra);
  }
}

function checkSignedHeaders(
  signed: Record<string, unknown>,
  headers: Record<string, string>,
  req: SignedRequest,
  checks: VerifyCheck[],
): { reason: "header_missing" | "header_mismatch"; header: string; message: string } | null {
  let first: { reason: "header_missing" | "header_mismatch"; header: string; message: string } | null = null;
  const note = (header: string, reason: "header_missing" | "header_mismatch" | null, message: string) => {
    checks.push({ code: `header.${header}`, result: reason ? "fail" : "pass", message });
    if (reason && !first) first = { reason, header, message };
  };
  const path = (() => {
    if (!req.url) return null;
    try {
      const u = new URL(req.url, "http://request.invalid");
      return u.pathname + u.search;
    } catch {
      return null;
    }
  })();
  for (const name of [...FSPIOP_SIGNED_HEADERS, "FSPIOP-Destination"]) {
    const value = signed[name];
    const sent = headers[name.toLowerCase()];
    if (name === "FSPIOP-Destination") {
      if (value === undefined && sent === undefined) continue;
      if (value === undefined) {
        note(name, "header_missing", `The request has FSPIOP-Destination "${clip(sent!)}" but the protected header does not sign it.`);
        continue;
      }
    }
    if (typeof value !== "string") {
      note(name, "header_missing", `The protected header does not sign ${name}.`);
      continue;
    }
    if (name === "FSPIOP-HTTP-Method") {
      const method = (req.method ?? headers["fspiop-http-method"] ?? "").toUpperCase();
      if (!method) note(name, "header_mismatch", `The protected header signs FSPIOP-HTTP-Method "${clip(value)}" but the request's method was not given.`);
      else if (method !== value) note(name, "header_mismatch", `FSPIOP-HTTP-Method differs: signed "${clip(value)}", request method "${clip(method)}".`);
      else note(name, null, `FSPIOP-HTTP-Method ${value} matches.`);
      continue;
    }
    if (name === "FSPIOP-URI") {
      if (sent !== undefined && sent !== value) {
        note(name, "header_mismatch", `FSPIOP-URI differs: signed "${clip(value)}", request header "${clip(sent)}".`);
        continue;
      }
      // The URL may carry the gateway's base path before the API path.
      if (path !== null && path !== value && !(value.startsWith("/") && path.endsWith(value))) {
        note(name, "header_mismatch", `FSPIOP-URI differs: signed "${clip(value)}", the request URL's path is "${clip(path)}".`);
        continue;
      }
      if (sent === undefined && path === null) {
        note(name, "header_mismatch", `The protected header signs FSPIOP-URI "${clip(value)}" but the request has neither that header nor a URL.`);
        continue;
      }
      note(name, null, `FSPIOP-URI ${clip(value)} matches.`);
      continue;
    }
    if (sent === undefined) note(name, "header_mismatch", `The protected header signs ${name} "${clip(value)}" but the request has no ${name} header.`);
    else if (sent !== value) note(name, "header_mismatch", `${name} differs: signed "${clip(value)}", request "${clip(sent)}".`);
    else note(name, null, `${name} matches.`);
  }
  return first;
}

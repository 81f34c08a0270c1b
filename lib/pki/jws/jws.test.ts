// JWS keys and signatures made outside Keyport (openssl, jose): reading and refusing keys, and
// verifying compact JWS and Mojaloop FSPIOP-Signature, with each single-byte change failing for its reason.
import { beforeAll, describe, expect, it } from "vitest";
import { CompactSign, FlattenedSign, base64url, calculateJwkThumbprint, exportJWK, generateKeyPair } from "jose";
import { JWS_ALGORITHMS } from "./jws-policy";
import { readJwsKey } from "./read-jws-key";
import { type VerificationKey, verifySignedRequest } from "./verify-signed-request";
import { type OpensslKey, opensslCompactJws, opensslFspiopRequest, opensslKey } from "./jws-test-helper";

const allowed = [...JWS_ALGORITHMS];
let rsa: OpensslKey;
let ec: OpensslKey;
beforeAll(() => {
  rsa = opensslKey("rsa2048");
  ec = opensslKey("p256");
});

async function keyOf(k: OpensslKey, state: VerificationKey["state"] = "active"): Promise<VerificationKey> {
  const r = await readJwsKey(k.publicPem, { allowed });
  if (!r.ok) throw new Error(r.message);
  return { kid: r.kid, alg: r.alg, jwk: r.jwk, state };
}

describe("readJwsKey", () => {
  it("reads PEM SPKI, JWK and certificate of one key to the same kid, SPKI and JWK", async () => {
    const pem = await readJwsKey(rsa.publicPem, { allowed });
    const cert = await readJwsKey(rsa.certPem, { allowed });
    expect(pem.ok && cert.ok).toBe(true);
    if (!pem.ok || !cert.ok) return;
    const jwk = await readJwsKey(JSON.stringify({ ...pem.jwk, use: "sig", alg: "RS256", kid: "whatever" }), { allowed });
    expect(jwk.ok).toBe(true);
    if (!jwk.ok) return;
    expect(pem.kid).toBe(await calculateJwkThumbprint(pem.jwk, "sha256"));
    expect(new Set([pem.kid, cert.kid, jwk.kid]).size).toBe(1);
    expect(Buffer.from(cert.spkiDer).equals(Buffer.from(pem.spkiDer))).toBe(true);
    expect(Object.keys(jwk.jwk).sort()).toEqual(["e", "kty", "n"]);
    expect([pem.source, cert.source, jwk.source]).toEqual(["pem", "certificate", "jwk"]);
    expect(cert.certDer).not.toBeNull();
    expect(pem.alg).toBe("RS256");
    expect(pem.keyLabel).toBe("RSA 2048");
    const ps = await readJwsKey(rsa.publicPem, { allowed, alg: "PS256" });
    expect(ps.ok && ps.alg).toBe("PS256");
    const e = await readJwsKey(ec.publicPem, { allowed });
    expect(e.ok && e.alg).toBe("ES256");
    expect(e.ok && Object.keys(e.jwk).sort()).toEqual(["crv", "kty", "x", "y"]);
  });

  it.each([
    ["RSA-1024", () => opensslKey("rsa1024").publicPem, "rsa_size", /1024 bits.*at least 2048/],
    ["P-384", () => opensslKey("p384").publicPem, "curve", /P-384.*not allowed/],
    ["P-521", () => opensslKey("p521").publicPem, "curve", /P-521.*not allowed/],
    ["a private PEM key", () => rsa.privatePem, "private_key", /private key/],
    ["an EC private PEM key", () => ec.privatePem, "private_key", /private key/],
    ["a PKCS#1 public key", () => "-----BEGIN RSA PUBLIC KEY-----\nMAA=\n-----END RSA PUBLIC KEY-----", "unsupported_format", /SubjectPublicKeyInfo/],
    ["garbage", () => "hello", "unsupported_format", /PEM public key/],
  ])("refuses %s", async (_name, input, code, message) => {
    const r = await readJwsKey(input(), { allowed });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe(code);
    expect(r.message).toMatch(message);
  });

  it("refuses a private JWK (d) and a JWK Set holding one, without echoing it", async () => {
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const priv = await exportJWK(privateKey);
    for (const input of [JSON.stringify(priv), JSON.stringify({ keys: [priv] })]) {
      const r = await readJwsKey(input, { allowed });
      expect(r.ok || r.code).toBe("private_key");
      expect(r.ok || r.message.includes(priv.d!)).toBe(false);
    }
  });

  it("refuses an alg the key or the environment does not allow", async () => {
    const r1 = await readJwsKey(ec.publicPem, { allowed, alg: "RS256" });
    expect(!r1.ok && r1.code).toBe("alg_not_allowed");
    const r2 = await readJwsKey(rsa.publicPem, { allowed: ["RS256"], alg: "PS256" });
    expect(!r2.ok && r2.message).toMatch(/PS256 is not allowed in this environment/);
    const r3 = await readJwsKey(JSON.stringify({ kty: "oct", k: "AAAA" }), { allowed });
    expect(!r3.ok && r3.code).toBe("private_key");
    const r4 = await readJwsKey(JSON.stringify({ kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" }), { allowed });
    expect(!r4.ok && r4.code).toBe("key_type");
  });
});

describe("verifySignedRequest: signatures made outside Keyport", () => {
  it("an FSPIOP-Signature made with openssl dgst -sha256 -sign verifies (RS256 and ES256 raw r||s)", async () => {
    for (const [k, alg] of [[rsa, "RS256"], [ec, "ES256"]] as const) {
      const key = await keyOf(k);
      const r = await verifySignedRequest(opensslFspiopRequest(k, { alg }), [key], { allowed });
      expect(r.message).toMatch(/^Verified/);
      expect(r).toMatchObject({ verified: true, reason: null, format: "fspiop", alg, kid: key.kid });
    }
  });

  it("a compact JWS made with openssl verifies (RS256 and ES256), attached and detached", async () => {
    for (const [k, alg] of [[rsa, "RS256"], [ec, "ES256"]] as const) {
      const key = await keyOf(k);
      const jws = opensslCompactJws(k, alg, { kid: key.kid }, '{"hello":"world"}');
      expect((await verifySignedRequest({ jws }, [key], { allowed })).verified).toBe(true);
      const [h, , s] = jws.split(".");
      expect((await verifySignedRequest({ jws: `${h}..${s}`, body: '{"hello":"world"}' }, [key], { allowed })).verified).toBe(true);
      expect((await verifySignedRequest({ jws: `${h}..${s}`, body: '{"hello":"World"}' }, [key], { allowed })).reason).toBe("body_changed");
    }
  });

  it("a compact JWS and an FSPIOP-Signature made with jose verify", async () => {
    const { publicKey, privateKey } = await generateKeyPair("PS256", { extractable: true });
    const read = await readJwsKey(JSON.stringify(await exportJWK(publicKey)), { allowed, alg: "PS256" });
    if (!read.ok) throw new Error(read.message);
    const key: VerificationKey = { kid: read.kid, alg: read.alg, jwk: read.jwk, state: "active" };
    const jws = await new CompactSign(new TextEncoder().encode("payload")).setProtectedHeader({ alg: "PS256", kid: read.kid }).sign(privateKey);
    expect((await verifySignedRequest({ jws }, [key], { allowed })).verified).toBe(true);
    const body = '{"quoteId":"1"}';
    const date = "Thu, 03 Dec 2026 10:00:00 GMT";
    const signed = await new FlattenedSign(new TextEncoder().encode(body))
      .setProtectedHeader({ alg: "PS256", "FSPIOP-URI": "/quotes", "FSPIOP-HTTP-Method": "POST", "FSPIOP-Source": "a", Date: date })
      .sign(privateKey);
    const headers = { Date: date, "FSPIOP-Source": "a", "FSPIOP-Signature": JSON.stringify({ signature: signed.signature, protectedHeader: signed.protected }) };
    const r = await verifySignedRequest({ method: "post", url: "/quotes", headers, body }, [key], { allowed });
    expect(r.message).toMatch(/^Verified/);
  });

  it("each single-byte change to a signed header or the body fails with its reason", async () => {
    const key = await keyOf(rsa);
    const req = opensslFspiopRequest(rsa, { alg: "RS256" });
    const flip = (s: string, i = 1) => s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ 1) + s.slice(i + 1);
    const cases: [string, typeof req, string, string | null][] = [
      ["body", { ...req, body: flip(req.body, 20) }, "body_changed", null],
      ["FSPIOP-URI header", { ...req, headers: { ...req.headers, "FSPIOP-URI": flip(req.headers["FSPIOP-URI"]) } }, "header_mismatch", "FSPIOP-URI"],
      ["URL path", { ...req, url: flip(req.url, req.url.length - 3) }, "header_mismatch", "FSPIOP-URI"],
      ["method", { ...req, method: "PUT" }, "header_mismatch", "FSPIOP-HTTP-Method"],
      ["FSPIOP-Source", { ...req, headers: { ...req.headers, "FSPIOP-Source": flip(req.headers["FSPIOP-Source"]) } }, "header_mismatch", "FSPIOP-Source"],
      ["FSPIOP-Destination", { ...req, headers: { ...req.headers, "FSPIOP-Destination": flip(req.headers["FSPIOP-Destination"]) } }, "header_mismatch", "FSPIOP-Destination"],
      ["Date", { ...req, headers: { ...req.headers, Date: flip(req.headers.Date, 6) } }, "header_mismatch", "Date"],
    ];
    for (const [what, changed, reason, header] of cases) {
      const r = await verifySignedRequest(changed, [key], { allowed });
      expect({ what, reason: r.reason, header: r.header, verified: r.verified }).toEqual({ what, reason, header, verified: false });
    }
    // An unsigned destination added to the request is refused too.
    const noDest = opensslFspiopRequest(rsa, { alg: "RS256", destination: false });
    const added = await verifySignedRequest({ ...noDest, headers: { ...noDest.headers, "FSPIOP-Destination": "x" } }, [key], { allowed });
    expect([added.reason, added.header]).toEqual(["header_missing", "FSPIOP-Destination"]);
    // Raw header lines are read as well as objects.
    const lines = Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`).join("\n");
    expect((await verifySignedRequest({ ...req, headers: lines }, [key], { allowed })).verified).toBe(true);
  });

  it("reports unknown kid, alg not allowed, key retired and not endorsed", async () => {
    const key = await keyOf(rsa);
    const other = await keyOf(ec);
    const withKid = opensslFspiopRequest(rsa, { alg: "RS256", kid: "no-such-kid" });
    expect((await verifySignedRequest(withKid, [key], { allowed })).reason).toBe("unknown_kid");
    expect((await verifySignedRequest(opensslFspiopRequest(rsa, { alg: "RS256" }), [key], { allowed: ["ES256"] })).reason).toBe("alg_not_allowed");
    const hs = `${base64url.encode('{"alg":"HS256"}')}.${base64url.encode("x")}.c2ln`;
    expect((await verifySignedRequest({ jws: hs }, [key], { allowed })).reason).toBe("alg_not_allowed");
    const none = `${base64url.encode('{"alg":"none"}')}.${base64url.encode("x")}.`;
    expect((await verifySignedRequest({ jws: none }, [key], { allowed })).reason).toBe("malformed");
    const retired = await verifySignedRequest(opensslFspiopRequest(rsa, { alg: "RS256" }), [{ ...key, state: "retired", retireAt: new Date("2026-01-01T00:00:00Z") }, other], { allowed });
    expect(retired.reason).toBe("key_retired");
    expect(retired.message).toMatch(/retired on 2026-01-01/);
    expect((await verifySignedRequest(opensslFspiopRequest(rsa, { alg: "RS256" }), [{ ...key, state: "pending" }], { allowed })).reason).toBe("key_not_endorsed");
    expect((await verifySignedRequest(opensslFspiopRequest(rsa, { alg: "RS256" }), [other], { allowed })).reason).toBe("alg_not_allowed");
    expect((await verifySignedRequest(opensslFspiopRequest(rsa, { alg: "RS256" }), [], { allowed })).reason).toBe("no_keys");
    expect((await verifySignedRequest({ headers: { "FSPIOP-Signature": "nope" } }, [key], { allowed })).reason).toBe("malformed");
  });
});

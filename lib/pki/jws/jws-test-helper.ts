// Test support: JWS keys and signatures made outside Keyport, by the openssl CLI (and jose), so
// that what Keyport verifies is what real signers produce.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { base64url } from "jose";
import { ecdsaDerToRaw } from "@/lib/pki/csr/ecdsa-signature";

export type OpensslKey = { privatePem: string; publicPem: string; certPem: string; kind: string };

/** A key pair (and a self-signed certificate of it) made by openssl. */
export function opensslKey(kind: "rsa2048" | "rsa1024" | "p256" | "p384" | "p521"): OpensslKey {
  const dir = mkdtempSync(join(tmpdir(), "keyport-jws-"));
  try {
    const k = join(dir, "k.pem");
    const gen =
      kind === "rsa2048" || kind === "rsa1024"
        ? ["genpkey", "-algorithm", "RSA", "-pkeyopt", `rsa_keygen_bits:${kind === "rsa2048" ? 2048 : 1024}`, "-out", k]
        : ["genpkey", "-algorithm", "EC", "-pkeyopt", `ec_paramgen_curve:${kind === "p256" ? "P-256" : kind === "p384" ? "P-384" : "P-521"}`, "-out", k];
    execFileSync("openssl", gen, { stdio: "pipe" });
    execFileSync("openssl", ["pkey", "-in", k, "-pubout", "-out", join(dir, "p.pem")], { stdio: "pipe" });
    execFileSync("openssl", ["req", "-x509", "-new", "-key", k, "-subj", "/CN=jws-signer", "-days", "30", "-out", join(dir, "c.pem")], { stdio: "pipe" });
    return { kind, privatePem: readFileSync(k, "utf8"), publicPem: readFileSync(join(dir, "p.pem"), "utf8"), certPem: readFileSync(join(dir, "c.pem"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `openssl dgst -sha256 -sign` over the JWS signing input; ECDSA's DER signature turned into raw r||s (RFC 7518 §3.4). */
export function opensslSign(privatePem: string, signingInput: string, ec: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), "keyport-jws-"));
  try {
    writeFileSync(join(dir, "k.pem"), privatePem);
    writeFileSync(join(dir, "in"), signingInput);
    const der = new Uint8Array(execFileSync("openssl", ["dgst", "-sha256", "-sign", join(dir, "k.pem"), join(dir, "in")]));
    return base64url.encode(ec ? ecdsaDerToRaw(der, 32)! : der);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A Mojaloop-style signed request, signed by openssl. */
export function opensslFspiopRequest(key: OpensslKey, opts: { alg: "RS256" | "ES256"; kid?: string; destination?: boolean } = { alg: "RS256" }) {
  const headers: Record<string, string> = {
    "Content-Type": "application/vnd.interoperability.transfers+json;version=1.1",
    Date: "Thu, 03 Dec 2026 10:00:00 GMT",
    "FSPIOP-Source": "payerfsp",
    ...(opts.destination === false ? {} : { "FSPIOP-Destination": "payeefsp" }),
    "FSPIOP-URI": "/transfers",
    "FSPIOP-HTTP-Method": "POST",
  };
  const protectedHeader = {
    alg: opts.alg,
    ...(opts.kid ? { kid: opts.kid } : {}),
    "FSPIOP-URI": "/transfers",
    "FSPIOP-HTTP-Method": "POST",
    "FSPIOP-Source": "payerfsp",
    ...(opts.destination === false ? {} : { "FSPIOP-Destination": "payeefsp" }),
    Date: headers.Date,
  };
  const body = JSON.stringify({ transferId: "b51ec534-ee48-4575-b6a9-ead2955b8069", payerFsp: "payerfsp", payeeFsp: "payeefsp", amount: { amount: "123.45", currency: "EUR" } });
  const p = base64url.encode(JSON.stringify(protectedHeader));
  const signature = opensslSign(key.privatePem, `${p}.${base64url.encode(body)}`, opts.alg === "ES256");
  headers["FSPIOP-Signature"] = JSON.stringify({ signature, protectedHeader: p });
  return { method: "POST", url: "https://provider.example/fspiop/transfers", headers, body };
}

/** A compact JWS signed by openssl. */
export function opensslCompactJws(key: OpensslKey, alg: "RS256" | "ES256", header: Record<string, unknown>, payload: string): string {
  const p = base64url.encode(JSON.stringify({ alg, ...header }));
  const b = base64url.encode(payload);
  return `${p}.${b}.${opensslSign(key.privatePem, `${p}.${b}`, alg === "ES256")}`;
}

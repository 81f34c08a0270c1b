import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { base64Encode } from "@/lib/pki/pem";
import { type DecodedCsrInput, decodeCsrInput } from "./intake";

const DIR = path.join(import.meta.dirname, "fixtures");
const BINARY = /\.(der|p12|bin)$/;
const message = (r: DecodedCsrInput) => (r.ok ? "" : r.finding.message);
const load = (name: string): string | Uint8Array =>
  BINARY.test(name) ? new Uint8Array(readFileSync(path.join(DIR, name))) : readFileSync(path.join(DIR, name), "utf8");

const codeOf = (r: DecodedCsrInput) => (r.ok ? `ok:${r.format}` : r.finding.code);

describe("decodeCsrInput over the fixtures", () => {
  const cases: [string, string][] = [
    // Accepted, in each encoding
    ["rsa2048.csr.pem", "ok:pem"],
    ["rsa2048-crlf.csr.pem", "ok:pem"],
    ["rsa2048-cr.csr.pem", "ok:pem"],
    ["rsa2048-new-header.csr.pem", "ok:pem"],
    ["rsa2048-with-text.csr.pem", "ok:pem"],
    ["rsa2048.csr.der", "ok:der"],
    ["rsa2048.csr.b64", "ok:base64"],
    ["tampered.csr.pem", "ok:pem"], // intake does not verify; parsing reports the bad signature
    // Private keys in every form
    ["key-pkcs8.pem", "private_key"],
    ["key-pkcs8.der", "private_key"],
    ["key-pkcs8.b64", "private_key"],
    ["key-pkcs8-encrypted.pem", "private_key"],
    ["key-pkcs8-encrypted.der", "private_key"],
    ["key-pkcs1-rsa.pem", "private_key"],
    ["key-pkcs1-rsa.der", "private_key"],
    ["key-pkcs1-rsa-legacy-encrypted.pem", "private_key"],
    ["key-sec1-ec.pem", "private_key"],
    ["key-sec1-ec.der", "private_key"],
    ["key-dsa.pem", "private_key"],
    ["key-ed25519-pkcs8.pem", "private_key"],
    ["key-openssh", "private_key"],
    ["bundle.p12", "private_key"],
    ["bundle-plain-key.p12", "private_key"],
    ["csr-plus-key.pem", "private_key"],
    ["csr-plus-key.der", "private_key"],
    ["key-plus-csr.pem", "private_key"],
    ["key-pgp.asc", "private_key"],
    // Other things that are not a CSR
    ["cert-selfsigned.pem", "certificate"],
    ["cert-selfsigned.der", "certificate"],
    ["cert-trusted.pem", "certificate"],
    ["pubkey.pem", "public_key"],
    ["pubkey.der", "public_key"],
    ["pubkey-openssh.txt", "public_key"],
    ["pubkey-pgp.asc", "public_key"],
    ["certs-only.p12", "pkcs12"],
    ["certs-only-plain.p12", "pkcs12"],
    ["csr-labelled-certificate.pem", "ok:pem"],
    ["certs.p7b.pem", "pkcs7"],
    ["certs.p7b.der", "pkcs7"],
    ["two-csrs.pem", "multiple_blocks"],
    ["two-csrs.der", "multiple_blocks"],
    ["truncated.csr.pem", "truncated"],
    ["truncated.csr.der", "truncated"],
    ["mismatched-labels.csr.pem", "malformed"],
    ["bad-base64.csr.pem", "malformed"],
    ["plain.txt", "unreadable"],
    ["random.bin", "unreadable"],
  ];
  it.each(cases)("%s → %s", (name, expected) => {
    expect(codeOf(decodeCsrInput(load(name)))).toBe(expected);
  });

  it("returns the same DER for every encoding of one CSR", () => {
    const der = readFileSync(path.join(DIR, "rsa2048.csr.der"));
    for (const name of ["rsa2048.csr.pem", "rsa2048-crlf.csr.pem", "rsa2048-cr.csr.pem", "rsa2048-new-header.csr.pem", "rsa2048.csr.b64", "rsa2048.csr.der"]) {
      const r = decodeCsrInput(load(name));
      expect(r.ok && Buffer.from(r.der).equals(der), name).toBe(true);
    }
  });

  it("accepts PEM given as bytes (an uploaded .pem file) and with a BOM and surrounding whitespace", () => {
    const pem = load("rsa2048.csr.pem") as string;
    expect(codeOf(decodeCsrInput(new TextEncoder().encode(pem)))).toBe("ok:pem");
    expect(codeOf(decodeCsrInput(`\uFEFF \r\n\t${pem}\n\n  `))).toBe("ok:pem");
    expect(codeOf(decodeCsrInput(new TextEncoder().encode(load("rsa2048.csr.b64") as string)))).toBe("ok:base64");
  });
});

describe("decodeCsrInput edge cases", () => {
  const pem = load("rsa2048.csr.pem") as string;
  const der = load("rsa2048.csr.der") as Uint8Array;

  it("empty input", () => {
    expect(codeOf(decodeCsrInput(""))).toBe("empty");
    expect(codeOf(decodeCsrInput("  \r\n\t "))).toBe("empty");
    expect(codeOf(decodeCsrInput(new Uint8Array(0)))).toBe("empty");
  });

  it("64 KiB limit, counted in UTF-8 bytes", () => {
    const padded = (n: number) => pem + " ".repeat(n - pem.length);
    expect(codeOf(decodeCsrInput(padded(65_536)))).toBe("ok:pem");
    expect(codeOf(decodeCsrInput(padded(65_537)))).toBe("too_large");
    // 32,768 two-byte characters = 65,536 bytes; one more byte is too much.
    expect(codeOf(decodeCsrInput("é".repeat(32_768)))).toBe("unreadable");
    expect(codeOf(decodeCsrInput(`${"é".repeat(32_768)}x`))).toBe("too_large");
    expect(codeOf(decodeCsrInput(new Uint8Array(65_537)))).toBe("too_large");
    const r = decodeCsrInput("x".repeat(70_000));
    expect(!r.ok && r.finding.message).toContain("70,000 bytes");
  });

  it("PEM cut at the start, or with a broken BEGIN line; text starting with 0", () => {
    expect(codeOf(decodeCsrInput(pem.split("\n").slice(3).join("\n")))).toBe("truncated");
    expect(codeOf(decodeCsrInput(pem.replace("-----BEGIN CERTIFICATE REQUEST-----", "-----BEGIN CERTIFICATE REQUEST")))).toBe("malformed");
    expect(codeOf(decodeCsrInput(new TextEncoder().encode("0 certificates attached")))).toBe("unreadable");
  });

  it("DER whose length exceeds the data is truncated; extra bytes after it are malformed", () => {
    expect(codeOf(decodeCsrInput(der.subarray(0, der.length - 1)))).toBe("truncated");
    expect(codeOf(decodeCsrInput(Uint8Array.from([...der, 0])))).toBe("malformed");
    expect(message(decodeCsrInput(Uint8Array.from([...der, 0])))).toMatch(/there is 1 unexpected byte after the end/);
  });

  it("the first 1, 2 or 3 bytes of a DER CSR are a truncated CSR, not bad DER", () => {
    for (const n of [1, 2, 3, 4]) {
      const r = decodeCsrInput(der.subarray(0, n));
      expect(codeOf(r), `${n} bytes`).toBe("truncated");
      expect(message(r)).toMatch(/The CSR is incomplete/);
    }
    expect(message(decodeCsrInput(der.subarray(0, 1)))).toMatch(/only its first byte is present/);
    expect(message(decodeCsrInput(der.subarray(0, 3)))).toMatch(/only its first 3 bytes are present/);
  });

  it("DER objects one after the other say what they are", () => {
    expect(message(decodeCsrInput(load("two-csrs.der")))).toBe(
      "The input holds two certificate signing requests one after the other. Send exactly one certificate signing request at a time.",
    );
    const cert = load("cert-selfsigned.der") as Uint8Array;
    expect(message(decodeCsrInput(Uint8Array.from([...der, ...cert])))).toMatch(/^The input holds a certificate signing request and a certificate one after the other/);
    expect(message(decodeCsrInput(Uint8Array.from([...der, ...der, ...der])))).toMatch(/three certificate signing requests/);
    // The same as base64 text.
    expect(codeOf(decodeCsrInput(base64Encode(load("two-csrs.der") as Uint8Array)))).toBe("multiple_blocks");
    // A private key among them is refused as such, "next to the CSR".
    expect(message(decodeCsrInput(load("csr-plus-key.der")))).toMatch(/private key next to the CSR.*Never share a private key/);
  });

  it("PKCS #12: a visible key keeps the private-key advice; without one it is named as PKCS #12", () => {
    expect(message(decodeCsrInput(load("bundle.p12")))).toMatch(/^This is a PKCS #12 file \(.p12\/.pfx\) that contains a private key.*Never share a private key/);
    expect(message(decodeCsrInput(load("bundle-plain-key.p12")))).toMatch(/contains a private key/);
    const hidden = message(decodeCsrInput(load("certs-only.p12")));
    expect(hidden).toMatch(/^This is a PKCS #12 file .*password-protected, so we cannot tell whether it holds a private key.*Send the certificate signing request/);
    const plain = message(decodeCsrInput(load("certs-only-plain.p12")));
    expect(plain).toMatch(/^This is a PKCS #12 file \(.p12\/.pfx\) holding certificates only, not a certificate signing request\. Send the certificate signing request/);
    expect(plain).not.toMatch(/private key/);
  });

  it("the content decides over the PEM label", () => {
    // A CSR under another label is accepted; a certificate under the CSR label is a certificate.
    const csrAsCert = decodeCsrInput(load("csr-labelled-certificate.pem"));
    expect(csrAsCert.ok && Buffer.from(csrAsCert.der).equals(Buffer.from(der))).toBe(true);
    const certBody = (load("cert-selfsigned.pem") as string).split("\n").slice(1, -2).join("\n");
    expect(codeOf(decodeCsrInput(`-----BEGIN CERTIFICATE REQUEST-----\n${certBody}\n-----END CERTIFICATE REQUEST-----\n`))).toBe("certificate");
    const pubBody = (load("pubkey.pem") as string).split("\n").slice(1, -2).join("\n");
    expect(codeOf(decodeCsrInput(`-----BEGIN CERTIFICATE-----\n${pubBody}\n-----END CERTIFICATE-----\n`))).toBe("public_key");
  });

  it("base64 that does not decode is malformed; text is unreadable", () => {
    const b64 = (load("rsa2048.csr.b64") as string).replace(/\s/g, "");
    expect(codeOf(decodeCsrInput(`${b64.slice(0, 101)}`))).toBe("malformed"); // length % 4 == 1
    expect(codeOf(decodeCsrInput(`${b64.slice(0, 40)}=${b64.slice(40)}`))).toBe("malformed");
    expect(codeOf(decodeCsrInput("Please find our CSR attached."))).toBe("unreadable");
    expect(codeOf(decodeCsrInput("aGVsbG8gd29ybGQ="))).toBe("unreadable"); // base64 of "hello world"
  });

  it("DER that is valid ASN.1 but not a CSR is malformed", () => {
    const seq = Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0x00]);
    expect(codeOf(decodeCsrInput(seq))).toBe("malformed");
    expect(codeOf(decodeCsrInput(Uint8Array.from([0x30, 0x03, 0x02, 0x02, 0x01])))).toBe("malformed");
  });

  it("labels that are not a CSR, around content that is not recognisable either", () => {
    // DER that is no known object (SEQUENCE { INTEGER 5, OCTET STRING }): the label is all there is to go on.
    const body = base64Encode(Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0x00]));
    const wrap = (label: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
    expect(codeOf(decodeCsrInput(wrap("X509 CRL")))).toBe("unreadable");
    expect(codeOf(decodeCsrInput(wrap("PKCS7")))).toBe("pkcs7");
    expect(codeOf(decodeCsrInput(wrap("RSA PUBLIC KEY")))).toBe("public_key");
    expect(codeOf(decodeCsrInput(wrap("CERTIFICATE")))).toBe("certificate");
    expect(codeOf(decodeCsrInput(wrap("SOMETHING ELSE")))).toBe("unreadable");
    expect(codeOf(decodeCsrInput(`${pem}\n${wrap("CERTIFICATE")}`))).toBe("multiple_blocks");
    // The CSR's own body under any of them is the CSR.
    const csrBody = pem.split("\n").slice(1, -2).join("\n");
    for (const label of ["X509 CRL", "PKCS7", "PUBLIC KEY", "SOMETHING ELSE"]) {
      expect(codeOf(decodeCsrInput(`-----BEGIN ${label}-----\n${csrBody}\n-----END ${label}-----\n`)), label).toBe("ok:pem");
    }
  });

  it("a CSR label around key material, JWK, PuTTY and RFC 4716 keys are private keys", () => {
    const keyBody = (load("key-pkcs8.pem") as string).split("\n").slice(1, -2).join("\n");
    expect(codeOf(decodeCsrInput(`-----BEGIN CERTIFICATE REQUEST-----\n${keyBody}\n-----END CERTIFICATE REQUEST-----\n`))).toBe("private_key");
    expect(codeOf(decodeCsrInput('{"kty":"EC","crv":"P-256","x":"f83O","y":"x_FE","d":"jpsQ"}'))).toBe("private_key");
    expect(codeOf(decodeCsrInput("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n"))).toBe("private_key");
    expect(codeOf(decodeCsrInput("---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nAAAA\n---- END SSH2 ENCRYPTED PRIVATE KEY ----"))).toBe("private_key");
    // A private key block without END, and a cut-off DER key, are still private keys.
    const keyPem = load("key-pkcs8.pem") as string;
    expect(codeOf(decodeCsrInput(keyPem.split("\n").slice(0, 4).join("\n")))).toBe("private_key");
    // ...and so is the tail of one (BEGIN cut off), even followed by a CSR.
    expect(codeOf(decodeCsrInput(`${keyPem.split("\n").slice(20).join("\n")}\n${pem}`))).toBe("private_key");
    expect(codeOf(decodeCsrInput(keyPem.split("\n").slice(20).join("\n")))).toBe("private_key");
    const keyDer = load("key-pkcs8.der") as Uint8Array;
    expect(codeOf(decodeCsrInput(keyDer.subarray(0, 200)))).toBe("private_key");
    expect(codeOf(decodeCsrInput((load("key-pkcs8-encrypted.der") as Uint8Array).subarray(0, 200)))).toBe("private_key");
  });

  it("mismatched BEGIN/END labels and a missing END name the labels", () => {
    const r = decodeCsrInput(load("mismatched-labels.csr.pem"));
    expect(!r.ok && r.finding.message).toMatch(/BEGIN line says "CERTIFICATE REQUEST".*END line says "CERTIFICATE"/);
    const t = decodeCsrInput(load("truncated.csr.pem"));
    expect(!t.ok && t.finding.message).toContain("-----END CERTIFICATE REQUEST-----");
  });

  it("does not echo arbitrary label text", () => {
    const r = decodeCsrInput("-----BEGIN <img src=x>-----\nAAAA\n-----END <img src=x>-----");
    expect(!r.ok && r.finding.message).not.toContain("<img");
  });
});

describe("findings", () => {
  it("each code has its own message, and every message tells the partner what to do", () => {
    const samples = ["key-pkcs8.pem", "cert-selfsigned.pem", "pubkey.pem", "certs.p7b.pem", "certs-only.p12", "two-csrs.pem", "truncated.csr.pem", "bad-base64.csr.pem", "plain.txt"];
    const messages = new Map<string, string>();
    for (const s of samples) {
      const r = decodeCsrInput(load(s));
      if (r.ok) throw new Error(`${s} was accepted`);
      expect(Object.keys(r.finding).sort()).toEqual(["code", "message"]);
      messages.set(r.finding.code, r.finding.message);
    }
    const empty = decodeCsrInput("");
    const large = decodeCsrInput("x".repeat(70_000));
    if (!empty.ok) messages.set(empty.finding.code, empty.finding.message);
    if (!large.ok) messages.set(large.finding.code, large.finding.message);
    expect([...messages.keys()].sort()).toEqual(
      ["certificate", "empty", "malformed", "multiple_blocks", "pkcs7", "pkcs12", "private_key", "public_key", "too_large", "truncated", "unreadable"].sort(),
    );
    expect(new Set(messages.values()).size).toBe(messages.size);
    expect(messages.get("private_key")).toMatch(/Never share a private key/);
    expect(messages.get("private_key")).toMatch(/generate a new key pair/);
    const alongside = decodeCsrInput(load("csr-plus-key.pem"));
    expect(!alongside.ok && alongside.finding.message).toMatch(/private key next to the CSR/);
    expect(messages.get("certificate")).toMatch(/not a certificate signing request.*Send the certificate signing request/s);
  });

  it.each([
    "key-pkcs8.pem",
    "key-pkcs8.der",
    "key-pkcs8.b64",
    "key-pkcs8-encrypted.pem",
    "key-pkcs1-rsa.pem",
    "key-sec1-ec.pem",
    "key-sec1-ec.der",
    "key-openssh",
    "bundle.p12",
    "bundle-plain-key.p12",
    "csr-plus-key.pem",
    "csr-plus-key.der",
    "key-plus-csr.pem",
    "key-pgp.asc",
  ])("a private-key finding never contains key bytes (%s)", (name) => {
    const input = load(name);
    const r = decodeCsrInput(name === "key-openssh" ? new TextEncoder().encode(input as string) : input);
    if (r.ok) throw new Error("accepted a private key");
    expect(r.finding.code).toBe("private_key");
    const shown = JSON.stringify(r.finding);
    // No base64 run at all, and no 12-character piece of the key's base64 (PEM body or DER encoded).
    expect(shown).not.toMatch(/[A-Za-z0-9+/=]{20,}/);
    const b64 = typeof input === "string" ? input.replace(/-----[^-]+-----|[\s]/g, "") : base64Encode(input);
    for (let i = 0; i + 12 <= b64.length; i += 6) expect(shown).not.toContain(b64.slice(i, i + 12));
  });
});

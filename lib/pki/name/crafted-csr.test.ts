// The crafted-CSR corpus of issue 15 ("What was found"): every crafted subject and encoding is
// either refused at submit with a specific check, or issues a certificate that `openssl x509`,
// `openssl verify -x509_strict` and a strict DER parser accept, with exactly the decoded subject.
// Then a fuzz run: mutated subjects, validly re-signed; every certificate that issues must load
// in OpenSSL with the subject officers were shown.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accepted, runCsrChecks, type Check } from "@/lib/policy/checks";
import { DEFAULT_PROFILE, type Profile } from "@/lib/policy/profile";
import { certificateToPem } from "@/lib/pki/cert/download-formats";
import { issueLeafCertificate } from "@/lib/pki/cert/leaf-certificate";
import { randomSerial } from "@/lib/pki/cert/serial";
import { children, derViolation, parseExact } from "@/lib/pki/csr/asn1-nodes";
import { readName } from "@/lib/pki/csr/name";
import { type ParsedCsr, readCsr } from "@/lib/pki/csr/parse-csr";
import { createTestHierarchy, type TestHierarchy } from "@/lib/pki/interop/test-ca";
import { runTool } from "@/lib/pki/interop/tools";
import { OIDS, ascii, attr, craftCsr, prng, oid, rdn, seq, set, tlv, tlvIndefinite, tlvLongLength, utf16be, utf32be, utf8 } from "./crafted-der";

const ctx = { orgCode: "acme", orgName: "Acme Payments AS", envCode: "PPR" };
const CN = (s = "acme-client") => attr("CN", tlv(0x0c, utf8(s)));

let ca: TestHierarchy;
let dir: string;
let rootFile: string;
let issuingFile: string;
beforeAll(async () => {
  ca = await createTestHierarchy("rsa-2048");
  dir = mkdtempSync(join(tmpdir(), "keyport-crafted-"));
  rootFile = join(dir, "root.pem");
  issuingFile = join(dir, "issuing.pem");
  writeFileSync(rootFile, certificateToPem(ca.root.cert.der));
  writeFileSync(issuingFile, certificateToPem(ca.issuing.cert.der));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Outcome = { refused: Check[] } | { issued: Uint8Array; csr: ParsedCsr };

/** What submission and approval do (lib/services/csr/evaluate-csr.ts, lib/services/requests/decide-request.ts), without the database. */
async function submitAndIssue(der: Uint8Array, profile: Profile = DEFAULT_PROFILE): Promise<Outcome> {
  const read = await readCsr(der);
  if (!read.ok) return { refused: [{ code: `csr.${read.finding.code}`, result: "fail", message: read.finding.message }] };
  const checks = runCsrChecks(read.csr, profile, ctx);
  if (!accepted(checks)) return { refused: checks.filter((c) => c.result === "fail") };
  const subject = read.csr.certificateSubject;
  if (!subject.ok) throw new Error("accepted without a certifiable subject");
  const now = Date.now();
  const issued = await issueLeafCertificate({
    subjectDer: subject.der,
    spkiDer: read.csr.spkiDer,
    issuerCertDer: ca.issuing.cert.der,
    signer: ca.issuing.signer,
    serial: randomSerial(),
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 86_400_000),
    keyType: "ec",
    extendedKeyUsage: ["clientAuth"],
    sans: { dns: [], ip: [] },
  });
  return { issued: issued.der, csr: read.csr };
}

/** The certificate's subject attributes, read back from its DER. */
function certificateSubjectOf(der: Uint8Array) {
  const root = parseExact(der)!;
  const tbs = children(root)[0];
  // TBSCertificate: [0] version, serial, signature, issuer, validity, subject, ...
  return readName(children(tbs)[5]).flat().map((a) => ({ name: a.name, value: a.value, valueType: a.valueType }));
}

/** openssl x509 loads it, openssl verify -x509_strict accepts it, and it is DER by our reader and by asn1js/pkijs. */
async function assertWellFormed(files: string[]) {
  for (const f of files) {
    const x509 = await runTool("openssl", ["x509", "-in", f, "-noout", "-subject", "-nameopt", "RFC2253"]);
    expect(x509.code, `${f}: ${x509.output}`).toBe(0);
  }
  const verify = await runTool("openssl", ["verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", rootFile, "-untrusted", issuingFile, ...files]);
  expect(verify.code, verify.output).toBe(0);
  expect(verify.stdout.trim().split("\n")).toEqual(files.map((f) => `${f}: OK`));
}

function assertStrictDer(der: Uint8Array) {
  const node = parseExact(der);
  expect(node).not.toBeNull();
  expect(derViolation(node!)).toBeNull();
  const asn = asn1js.fromBER(der as Uint8Array<ArrayBuffer>);
  expect(asn.offset).toBe(der.length);
  const cert = new pkijs.Certificate({ schema: asn.result });
  // Re-encoding what pkijs read gives the same bytes: nothing it had to guess at.
  expect(Buffer.from(cert.toSchema(true).toBER(false)).equals(Buffer.from(der))).toBe(true);
}

let fileNo = 0;
async function expectIssuesWithSubject(outcome: Outcome, expected: { name: string; value: string; valueType: string }[]) {
  if (!("issued" in outcome)) throw new Error(`refused: ${outcome.refused.map((c) => `${c.code}: ${c.message}`).join(" | ")}`);
  expect(certificateSubjectOf(outcome.issued)).toEqual(expected);
  // Exactly what officers were shown (subject.encoding, the review page, the stored subject).
  expect(outcome.csr.certificateSubject.ok && outcome.csr.certificateSubject.attributes.map(({ name, value, valueType }) => ({ name, value, valueType }))).toEqual(expected);
  assertStrictDer(outcome.issued);
  const file = join(dir, `c${fileNo++}.pem`);
  writeFileSync(file, certificateToPem(outcome.issued));
  await assertWellFormed([file]);
}

function expectRefused(outcome: Outcome, code: string, message: RegExp) {
  if (!("refused" in outcome)) throw new Error("issued, but should have been refused");
  expect(outcome.refused.map((c) => c.code)).toContain(code);
  expect(outcome.refused.find((c) => c.code === code)!.message).toMatch(message);
}

describe("crafted subjects: refused with a specific check", () => {
  it.each<[string, Uint8Array[], string, RegExp]>([
    ["CN as OCTET STRING", [attr("CN", tlv(0x04, ascii("acme-client")))], "subject.encoding", /CN: the value is not a character string/],
    ["CN as INTEGER", [attr("CN", tlv(0x02, [0x05]))], "subject.encoding", /CN: the value is not a character string/],
    ["O as INTEGER", [attr("O", tlv(0x02, [0x01, 0x00])), CN()], "subject.encoding", /O: the value is not a character string/],
    ["an unknown attribute carrying an OCTET STRING", [rdn(oid("1.2.3.4.5"), tlv(0x04, [1, 2, 3])), CN()], "subject.encoding", /1\.2\.3\.4\.5 is not one Keyport certifies/],
    ["O of 100 characters", [attr("O", tlv(0x0c, utf8("x".repeat(100)))), CN()], "subject.encoding", /O: the value has 100 characters; at most 64/],
    ["OU of 65 characters", [attr("OU", tlv(0x0c, utf8("y".repeat(65)))), CN()], "subject.encoding", /OU: the value has 65 characters; at most 64/],
    ["an empty O", [attr("O", tlv(0x0c, [])), CN()], "subject.encoding", /O: the value is empty/],
    ["serialNumber outside PrintableString", [attr("serialNumber", tlv(0x0c, utf8("nº 42"))), CN()], "subject.encoding", /serialNumber: the value must be a PrintableString/],
    ["emailAddress beyond ASCII", [attr("emailAddress", tlv(0x0c, utf8("bø@acme.test"))), CN()], "subject.encoding", /emailAddress: the value must be ASCII \(IA5String\)/],
    ["DC that is not a DNS label", [attr("DC", tlv(0x0c, utf8("a b"))), CN()], "subject.encoding", /DC: "a b" is not one DNS label/],
    ["C of three letters", [attr("C", tlv(0x13, ascii("NOR"))), CN()], "subject.encoding", /C: "NOR" is not two upper-case letters/],
    ["a control character in O", [attr("O", tlv(0x0c, utf8("Acme\u0007"))), CN()], "subject.encoding", /O: the value holds the control character U\+0007/],
    ["CN over 64 characters", [CN("c".repeat(65))], "subject.encoding", /CN: the value has 65 characters/],
  ])("%s", async (_, rdns, code, message) => {
    expectRefused(await submitAndIssue(await craftCsr({ rdns })), code, message);
  });

  it.each<[string, Uint8Array[], RegExp]>([
    ["a PrintableString holding _ @ *", [attr("CN", tlv(0x13, ascii("a_b@c*")))], /CN is a PrintableString holding "_", "@", "\*", outside its alphabet/],
    ["a BMPString holding a lone surrogate", [attr("CN", tlv(0x1e, [0xd8, 0x00, 0x00, 0x41]))], /CN is a BMPString holding an unpaired surrogate/],
    ["a UTF8String that is not UTF-8", [attr("CN", tlv(0x0c, [0xc3, 0x28]))], /CN is a UTF8String that is not valid UTF-8/],
  ])("%s: refused at intake", async (_, rdns, message) => {
    expectRefused(await submitAndIssue(await craftCsr({ rdns })), "csr.malformed", message);
  });
});

describe("crafted encodings: one finding at submit (csr.not_der), never a request that cannot be issued", () => {
  it.each<[string, () => Promise<Uint8Array>, RegExp]>([
    ["an attribute-type OID padded with 0x80 (55 80 04 03)", () => craftCsr({ rdns: [rdn(tlv(0x06, [0x55, 0x80, 0x04, 0x03]), tlv(0x0c, utf8("acme")))] }), /padded arc/],
    ["a constructed UTF8String (tag 0x2c)", () => craftCsr({ rdns: [attr("CN", tlv(0x2c, tlv(0x0c, utf8("acme"))))] }), /constructed form/],
    ["a subject value with a non-minimal length (0c 81 05 …)", () => craftCsr({ rdns: [attr("CN", tlvLongLength(0x0c, 1, utf8("acme1")))] }), /non-minimal length/],
    ["a subject with a non-minimal length", () => craftCsr({ subjectDer: tlvLongLength(0x30, 2, CN()) }), /non-minimal length/],
    ["a BER indefinite-length subject", () => craftCsr({ subjectDer: tlvIndefinite(0x30, CN()) }), /indefinite length/],
    ["a BER indefinite-length CSR", () => craftCsr({ rdns: [CN()], indefiniteOuter: true }), /indefinite length/],
    ["a BOOLEAN neither 00 nor FF", () => craftCsr({ rdns: [CN()], attributes: extensionRequest(seq(oid("2.5.29.19"), tlv(0x01, [0x01]), tlv(0x04, seq()))) }), /BOOLEAN is neither 00 nor FF/],
    ["a non-minimal INTEGER (version 00 00)", async () => {
      const csr = await craftCsr({ rdns: [CN()] });
      return reencodeVersion(csr);
    }, /non-minimal integer/],
  ])("%s", async (_, make, message) => {
    expectRefused(await submitAndIssue(await make()), "csr.not_der", message);
  });

  it("non-minimal INTEGERs in the ECDSA signature: the signature check fails", async () => {
    expectRefused(await submitAndIssue(await craftCsr({ rdns: [CN()], signaturePad: 1 })), "csr.signature", /not a valid DER Ecdsa-Sig-Value/);
  });

  it("trailing data after the CSR", async () => {
    expectRefused(await submitAndIssue(await craftCsr({ rdns: [CN()], trailing: Uint8Array.of(0xff) })), "csr.malformed", /1 unexpected byte after the end/);
  });
});

/** extensionRequest (PKCS #9) attribute with these Extensions. */
function extensionRequest(...extensions: Uint8Array[]): Uint8Array {
  return seq(oid("1.2.840.113549.1.9.14"), set(seq(...extensions)));
}

/** The same CSR with its version INTEGER written as 02 02 00 00 (the signature no longer matters: intake refuses first). */
function reencodeVersion(csr: Uint8Array): Uint8Array {
  const root = parseExact(csr)!;
  const [info, alg, sig] = children(root);
  const [, ...rest] = children(info);
  return seq(seq(tlv(0x02, [0, 0]), ...rest.map((n) => n.encoded)), alg.encoded, sig.encoded);
}

describe("crafted subjects that issue: re-encoded under our rules, exactly the decoded subject", () => {
  it.each<[string, Uint8Array[], { name: string; value: string; valueType: string }[]]>([
    ["CN as BMPString", [attr("CN", tlv(0x1e, utf16be("acme-bmp")))], [{ name: "CN", value: "acme-bmp", valueType: "printableString" }]],
    ["CN as TeletexString (ASCII)", [attr("CN", tlv(0x14, ascii("acme-t61")))], [{ name: "CN", value: "acme-t61", valueType: "printableString" }]],
    ["CN as UniversalString", [attr("CN", tlv(0x1c, utf32be("acme-ü")))], [{ name: "CN", value: "acme-ü", valueType: "utf8String" }]],
    ["CN as IA5String with @", [attr("CN", tlv(0x16, ascii("a@acme")))], [{ name: "CN", value: "a@acme", valueType: "utf8String" }]],
    ["serialNumber as UTF8String", [attr("serialNumber", tlv(0x0c, utf8("4711"))), CN()], [{ name: "serialNumber", value: "4711", valueType: "printableString" }, { name: "CN", value: "acme-client", valueType: "printableString" }]],
    ["DC as PrintableString", [attr("DC", tlv(0x13, ascii("example"))), CN()], [{ name: "DC", value: "example", valueType: "ia5String" }, { name: "CN", value: "acme-client", valueType: "printableString" }]],
    ["emailAddress as UTF8String", [attr("emailAddress", tlv(0x0c, utf8("ops@acme.test"))), CN()], [{ name: "emailAddress", value: "ops@acme.test", valueType: "ia5String" }, { name: "CN", value: "acme-client", valueType: "printableString" }]],
    ["C as UTF8String", [attr("C", tlv(0x0c, utf8("NO"))), attr("O", tlv(0x0c, utf8("Blåbær AS"))), CN()], [{ name: "C", value: "NO", valueType: "printableString" }, { name: "O", value: "Blåbær AS", valueType: "utf8String" }, { name: "CN", value: "acme-client", valueType: "printableString" }]],
    ["a multi-valued RDN", [set(seq(oid(OIDS.O), tlv(0x0c, utf8("Acme"))), seq(oid(OIDS.CN), tlv(0x0c, utf8("acme-multi"))))], [{ name: "O", value: "Acme", valueType: "printableString" }, { name: "CN", value: "acme-multi", valueType: "printableString" }]],
    ["O of exactly 64 characters", [attr("O", tlv(0x0c, utf8("ø".repeat(64)))), CN()], [{ name: "O", value: "ø".repeat(64), valueType: "utf8String" }, { name: "CN", value: "acme-client", valueType: "printableString" }]],
  ])("%s", async (_, rdns, expected) => {
    await expectIssuesWithSubject(await submitAndIssue(await craftCsr({ rdns })), expected);
  });
});

// ---- fuzz: mutate subjects, re-sign validly, every issued certificate loads in OpenSSL ----

const FUZZ_TYPES = [...Object.values(OIDS), "2.5.4.9", "2.5.4.42", "2.5.4.97", "1.2.3.4"];
const FUZZ_TAGS = [0x0c, 0x13, 0x16, 0x14, 0x1e, 0x1c, 0x1a, 0x12, 0x04, 0x02, 0x05, 0x30];
const ALPHABETS = ["abcXYZ019", " '()+,-./:=?", "_@*&!#%", "øåüß€", "\u0000\u0007\u001b\u007f", "😀𝄞", "\u202e"];

function fuzzValue(r: () => number): Uint8Array {
  // Mostly the string types real CSRs carry, so that both outcomes are frequent.
  const tag = r() < 0.6 ? [0x0c, 0x13, 0x16, 0x1e][Math.floor(r() * 4)] : FUZZ_TAGS[Math.floor(r() * FUZZ_TAGS.length)];
  const length = r() < 0.1 ? Math.floor(r() * 130) : 1 + Math.floor(r() * 12);
  let text = "";
  for (let i = 0; i < length; i++) {
    const alphabet = [...ALPHABETS[r() < 0.7 ? 0 : Math.floor(r() * ALPHABETS.length)]];
    text += alphabet[Math.floor(r() * alphabet.length)];
  }
  switch (tag) {
    case 0x1e:
      return tlv(tag, utf16be(text));
    case 0x1c:
      return tlv(tag, utf32be(text));
    case 0x0c:
      return tlv(tag, utf8(text));
    case 0x05:
      return tlv(tag, []);
    case 0x30:
      return seq(tlv(0x0c, utf8(text)));
    default:
      // 7-bit and octet types: the text's UTF-8 bytes (invalid ones are the point).
      return tlv(tag, utf8(text));
  }
}

const OPEN_PROFILE: Profile = { ...DEFAULT_PROFILE, subject: {} };

describe("fuzz: mutated subjects", () => {
  it("every certificate that issues is DER, loads in OpenSSL and carries exactly the subject shown", async () => {
    const r = prng(0x15a);
    const files: string[] = [];
    let refused = 0;
    for (let n = 0; n < 300; n++) {
      const rdns: Uint8Array[] = [];
      const count = 1 + Math.floor(r() * 3);
      for (let i = 0; i < count; i++) {
        const type = FUZZ_TYPES[Math.floor(r() * FUZZ_TYPES.length)];
        rdns.push(r() < 0.1 ? set(seq(oid(type), fuzzValue(r)), seq(oid(OIDS.CN), fuzzValue(r))) : rdn(oid(type), fuzzValue(r)));
      }
      const outcome = await submitAndIssue(await craftCsr({ rdns }), OPEN_PROFILE);
      if ("refused" in outcome) {
        refused++;
        // Refusals name what is wrong; the subject-specific ones name the attribute.
        for (const c of outcome.refused) expect(c.message.length, c.code).toBeGreaterThan(20);
        continue;
      }
      const subject = outcome.csr.certificateSubject;
      expect(subject.ok).toBe(true);
      if (!subject.ok) continue;
      expect(certificateSubjectOf(outcome.issued)).toEqual(subject.attributes.map(({ name, value, valueType }) => ({ name, value, valueType })));
      assertStrictDer(outcome.issued);
      const file = join(dir, `fuzz-${n}.pem`);
      writeFileSync(file, certificateToPem(outcome.issued));
      files.push(file);
    }
    // Both outcomes occur, or the generator tests nothing.
    expect(files.length).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
    await assertWellFormed(files);
  });
});



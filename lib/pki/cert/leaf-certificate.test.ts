import { ECDH, createHash, createPublicKey, generateKeyPairSync, X509Certificate } from "node:crypto";
import * as asn1js from "asn1js";
import ipaddr from "ipaddr.js";
import * as pkijs from "pkijs";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestHierarchy, leafParams, type TestHierarchy } from "../interop/test-ca";
import { generateNodeKeyPair, nodeSigner, type NodeKeyPair } from "../interop/node-signer";
import { splitCertificate } from "./certificate-der";
import { PkiError } from "./errors";
import { createIssuerTemplate } from "./issuer-template";
import { issueLeafCertificate, issueLeafCertificateWithTemplate, type IssueLeafParams } from "./leaf-certificate";
import { randomSerial } from "./serial";

const buf = (b: Uint8Array) => b.slice().buffer as ArrayBuffer;
const DAY = 86_400_000;

let rsaCa: TestHierarchy;
let ecCa: TestHierarchy;
let rsaLeafKey: NodeKeyPair;
let ecLeafKey: NodeKeyPair;

beforeAll(async () => {
  [rsaCa, ecCa, rsaLeafKey, ecLeafKey] = await Promise.all([
    createTestHierarchy("rsa-2048"),
    createTestHierarchy("ecdsa-p384"),
    generateNodeKeyPair("rsa-2048"),
    generateNodeKeyPair("ecdsa-p256"),
  ]);
});

function baseParams(ca: TestHierarchy, key: NodeKeyPair, overrides: Partial<IssueLeafParams> = {}): IssueLeafParams {
  return leafParams(ca, key, overrides);
}

/** The TBSCertificate pkijs builds for the same inputs, written independently of lib/pki's encoders. */
function pkijsReferenceTbs(p: IssueLeafParams, notBefore: Date, notAfter: Date): Uint8Array {
  const issuer = pkijs.Certificate.fromBER(buf(p.issuerCertDer));
  const spki = pkijs.PublicKeyInfo.fromBER(buf(p.spkiDer));
  const rsaSigner = p.signer.keyType.startsWith("rsa");
  const alg = () => new pkijs.AlgorithmIdentifier(rsaSigner ? { algorithmId: p.signer.signatureAlgorithmOid, algorithmParams: new asn1js.Null() } : { algorithmId: p.signer.signatureAlgorithmOid });
  const time = (d: Date) => new pkijs.Time({ type: d.getUTCFullYear() >= 2050 ? 1 : 0, value: d });
  const ext = (extnID: string, critical: boolean, value: { toSchema(): asn1js.BaseBlock } | asn1js.BaseBlock) =>
    new pkijs.Extension({ extnID, critical, extnValue: ("toSchema" in value ? value.toSchema() : value).toBER(false) });
  const issuerSki = issuer.extensions?.find((e) => e.extnID === "2.5.29.14")?.parsedValue as asn1js.OctetString;
  const keyBits = new Uint8Array(spki.subjectPublicKey.valueBlock.valueHexView);
  const extensions = [
    ext("2.5.29.19", true, new pkijs.BasicConstraints({ cA: false })),
    ext("2.5.29.15", true, new asn1js.BitString({ valueHex: Uint8Array.of(p.keyType === "rsa" ? 0xa0 : 0x80), unusedBits: p.keyType === "rsa" ? 5 : 7 })),
    ext("2.5.29.37", false, new pkijs.ExtKeyUsage({ keyPurposes: p.extendedKeyUsage.map((u) => (u === "clientAuth" ? "1.3.6.1.5.5.7.3.2" : "1.3.6.1.5.5.7.3.1")) })),
    ext("2.5.29.14", false, new asn1js.OctetString({ valueHex: createHash("sha1").update(keyBits).digest() })),
    ext("2.5.29.35", false, new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: issuerSki.valueBlock.valueHexView }) })),
  ];
  const names = [
    ...p.sans.dns.map((value) => new pkijs.GeneralName({ type: 2, value })),
    ...p.sans.ip.map((ip) => new pkijs.GeneralName({ type: 7, value: new asn1js.OctetString({ valueHex: Uint8Array.from(ipaddr.parse(ip).toByteArray()) }) })),
  ];
  const emptySubject = p.subjectDer.length === 2;
  if (names.length) extensions.push(ext("2.5.29.17", emptySubject, new pkijs.GeneralNames({ names })));
  if (p.crlUrl) {
    extensions.push(
      ext("2.5.29.31", false, new pkijs.CRLDistributionPoints({ distributionPoints: [new pkijs.DistributionPoint({ distributionPoint: [new pkijs.GeneralName({ type: 6, value: p.crlUrl })] })] })),
    );
  }
  if (p.caIssuersUrl) {
    extensions.push(
      ext(
        "1.3.6.1.5.5.7.1.1",
        false,
        new pkijs.InfoAccess({ accessDescriptions: [new pkijs.AccessDescription({ accessMethod: "1.3.6.1.5.5.7.48.2", accessLocation: new pkijs.GeneralName({ type: 6, value: p.caIssuersUrl }) })] }),
      ),
    );
  }
  const cert = new pkijs.Certificate({
    version: 2,
    serialNumber: new asn1js.Integer({ valueHex: buf(p.serial) }),
    signature: alg(),
    issuer: issuer.subject,
    notBefore: time(notBefore),
    notAfter: time(notAfter),
    subject: pkijs.RelativeDistinguishedNames.fromBER(buf(p.subjectDer)),
    subjectPublicKeyInfo: spki,
    extensions,
  });
  return new Uint8Array(cert.encodeTBS().toBER(false));
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("issueLeafCertificate: same bytes as pkijs", () => {
  const cases: { name: string; ca: () => TestHierarchy; key: () => NodeKeyPair; overrides: () => Partial<IssueLeafParams> }[] = [
    { name: "RSA leaf, RSA CA, no SANs", ca: () => rsaCa, key: () => rsaLeafKey, overrides: () => ({}) },
    { name: "EC leaf, EC CA, no SANs", ca: () => ecCa, key: () => ecLeafKey, overrides: () => ({}) },
    {
      name: "DNS + IPv4 + IPv6 SANs, CRL DP and AIA",
      ca: () => rsaCa,
      key: () => ecLeafKey,
      overrides: () => ({
        sans: { dns: ["client.partner.example", "*.api.partner.example"], ip: ["192.0.2.10", "2001:db8::42", "::ffff:10.1.2.3"] },
        crlUrl: "http://pki.keyport.example/crl/issuing.crl",
        caIssuersUrl: "http://pki.keyport.example/ca/issuing.cer",
        extendedKeyUsage: ["clientAuth", "serverAuth"],
      }),
    },
    {
      name: "GeneralizedTime after 2049",
      ca: () => ecCa,
      key: () => rsaLeafKey,
      overrides: () => ({ notBefore: new Date("2049-12-31T23:59:59.999Z"), notAfter: new Date("2050-01-01T00:00:00Z") }),
    },
    {
      name: "empty subject with critical SAN",
      ca: () => rsaCa,
      key: () => rsaLeafKey,
      overrides: () => ({ subjectDer: Uint8Array.of(0x30, 0x00), sans: { dns: ["only-san.example"], ip: [] } }),
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      let ca = c.ca();
      const overrides = c.overrides();
      if (overrides.notAfter && overrides.notAfter.getUTCFullYear() >= 2050) {
        // Needs an issuer that lives past 2050.
        ca = await createTestHierarchy(ca.keyType, { rootDays: 365 * 40, issuingDays: 365 * 35, keys: [ca.root.key, ca.issuing.key] });
      }
      const params = baseParams(ca, c.key(), overrides);
      const issued = await issueLeafCertificate(params);
      const parts = splitCertificate(issued.der);
      expect(hex(parts.tbs)).toBe(hex(pkijsReferenceTbs(params, issued.notBefore, issued.notAfter)));
      // The whole certificate parses with pkijs and re-encodes to the same bytes.
      const parsed = pkijs.Certificate.fromBER(buf(issued.der));
      expect(hex(new Uint8Array(parsed.toSchema().toBER(false)))).toBe(hex(issued.der));
      // And the signature verifies with the issuing CA's key (OpenSSL via node:crypto).
      expect(new X509Certificate(issued.der).verify(new X509Certificate(ca.issuing.cert.der).publicKey)).toBe(true);
    });
  }
});

describe("issueLeafCertificate: profile", () => {
  it("writes the RFC 5280 extensions", async () => {
    const params = baseParams(rsaCa, rsaLeafKey, { sans: { dns: ["a.example"], ip: ["10.0.0.1"] }, crlUrl: "http://crl.example/i.crl", caIssuersUrl: "http://crl.example/i.cer" });
    const { der } = await issueLeafCertificate(params);
    const cert = pkijs.Certificate.fromBER(buf(der));
    const issuer = pkijs.Certificate.fromBER(buf(rsaCa.issuing.cert.der));
    expect(cert.version).toBe(2);
    const ext = (oid: string) => cert.extensions?.find((e) => e.extnID === oid);
    expect(cert.extensions?.map((e) => e.extnID)).toEqual(["2.5.29.19", "2.5.29.15", "2.5.29.37", "2.5.29.14", "2.5.29.35", "2.5.29.17", "2.5.29.31", "1.3.6.1.5.5.7.1.1"]);
    expect(ext("2.5.29.19")?.critical).toBe(true);
    expect((ext("2.5.29.19")?.parsedValue as pkijs.BasicConstraints).cA).toBe(false);
    expect(ext("2.5.29.15")?.critical).toBe(true);
    expect(Buffer.from(ext("2.5.29.15")!.extnValue.valueBlock.valueHexView).toString("hex")).toBe("030205a0"); // digitalSignature + keyEncipherment
    expect((ext("2.5.29.37")?.parsedValue as pkijs.ExtKeyUsage).keyPurposes).toEqual(["1.3.6.1.5.5.7.3.2"]);
    const keyBits = cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
    expect(hex((ext("2.5.29.14")?.parsedValue as asn1js.OctetString).valueBlock.valueHexView)).toBe(createHash("sha1").update(keyBits).digest("hex"));
    const issuerSki = (issuer.extensions?.find((e) => e.extnID === "2.5.29.14")?.parsedValue as asn1js.OctetString).valueBlock.valueHexView;
    expect(hex((ext("2.5.29.35")?.parsedValue as pkijs.AuthorityKeyIdentifier).keyIdentifier!.valueBlock.valueHexView)).toBe(hex(issuerSki));
    const san = (ext("2.5.29.17")?.parsedValue as pkijs.AltName).altNames;
    expect(san.map((n) => n.type)).toEqual([2, 7]);
    expect(ext("2.5.29.17")?.critical).toBe(false);
    expect(hex((san[1].value as asn1js.OctetString).valueBlock.valueHexView)).toBe("0a000001");
    // Issuer field = the issuing CA's subject, byte for byte.
    expect(hex(splitCertificate(der).issuer)).toBe(hex(splitCertificate(rsaCa.issuing.cert.der).subject));
  });

  it("omits keyEncipherment for EC keys and the SAN extension when there are no SANs", async () => {
    const { der } = await issueLeafCertificate(baseParams(ecCa, ecLeafKey));
    const parts = splitCertificate(der);
    expect(parts.extensions.map((e) => e.oid)).toEqual(["2.5.29.19", "2.5.29.15", "2.5.29.37", "2.5.29.14", "2.5.29.35"]);
    expect(hex(parts.extensions[1].value)).toBe("03020780");
  });

  it("keeps the CSR subject bytes exactly (multi-valued RDN, PrintableString, unusual order)", async () => {
    const atv = (oid: string, v: asn1js.BaseBlock) => new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), v] });
    const subject = new Uint8Array(
      new asn1js.Sequence({
        value: [
          new asn1js.Set({ value: [atv("2.5.4.3", new asn1js.PrintableString({ value: "svc" })), atv("2.5.4.11", new asn1js.Utf8String({ value: "Zahlungsverkehr äöü" }))] }),
          new asn1js.Set({ value: [atv("2.5.4.6", new asn1js.PrintableString({ value: "AT" }))] }),
        ],
      }).toBER(false),
    );
    const { der } = await issueLeafCertificate(baseParams(rsaCa, ecLeafKey, { subjectDer: subject }));
    expect(hex(splitCertificate(der).subject)).toBe(hex(subject));
  });

  it("clamps notAfter to the issuer's notAfter and says so", async () => {
    const issuerNotAfter = splitCertificate(rsaCa.issuing.cert.der).notAfter;
    const far = await issueLeafCertificate(baseParams(rsaCa, rsaLeafKey, { notAfter: new Date(issuerNotAfter.getTime() + 10 * DAY) }));
    expect(far.notAfterClamped).toBe(true);
    expect(far.notAfter.getTime()).toBe(issuerNotAfter.getTime());
    expect(far.requestedNotAfter.getTime()).toBe(issuerNotAfter.getTime() + 10 * DAY);
    expect(splitCertificate(far.der).notAfter.getTime()).toBe(issuerNotAfter.getTime());
    const near = await issueLeafCertificate(baseParams(rsaCa, rsaLeafKey, { notAfter: new Date(issuerNotAfter.getTime() - DAY) }));
    expect(near.notAfterClamped).toBe(false);
    expect(splitCertificate(near.der).notAfter.getTime()).toBe(issuerNotAfter.getTime() - DAY);
  });

  it("truncates to whole seconds and encodes UTCTime before 2050", async () => {
    const nb = new Date("2030-06-15T12:34:56.789Z");
    const { der, notBefore } = await issueLeafCertificate(baseParams(rsaCa, rsaLeafKey, { notBefore: nb, notAfter: new Date("2030-07-15T00:00:00Z") }));
    expect(notBefore.toISOString()).toBe("2030-06-15T12:34:56.000Z");
    const cert = pkijs.Certificate.fromBER(buf(der));
    expect(cert.notBefore.type).toBe(0);
    expect(Buffer.from(splitCertificate(der).tbs).includes(Buffer.from("\x17\x0d300615123456Z", "latin1"))).toBe(true);
  });

  it("encodes GeneralizedTime from 2050 on", async () => {
    const ca = await createTestHierarchy("ecdsa-p256", { rootDays: 365 * 40, issuingDays: 365 * 39 });
    const { der } = await issueLeafCertificate(baseParams(ca, ecLeafKey, { notBefore: new Date("2049-12-31T23:59:59Z"), notAfter: new Date("2050-01-01T00:00:00Z") }));
    const tbs = Buffer.from(splitCertificate(der).tbs);
    expect(tbs.includes(Buffer.from("\x17\x0d491231235959Z", "latin1"))).toBe(true);
    expect(tbs.includes(Buffer.from("\x18\x0f20500101000000Z", "latin1"))).toBe(true);
  });

  it("reuses one template for many certificates", async () => {
    const template = createIssuerTemplate({ issuerCertDer: ecCa.issuing.cert.der, signer: ecCa.issuing.signer, crlUrl: "http://crl.example/x.crl" });
    const { issuerCertDer: _unused, ...rest } = baseParams(ecCa, rsaLeafKey);
    void _unused;
    const a = await issueLeafCertificateWithTemplate(template, { ...rest, serial: randomSerial() });
    const b = await issueLeafCertificateWithTemplate(template, { ...rest, serial: randomSerial() });
    expect(splitCertificate(a.der).extensions.at(-1)?.oid).toBe("2.5.29.31");
    expect(hex(splitCertificate(a.der).serial)).not.toBe(hex(splitCertificate(b.der).serial));
  });
});

describe("issueLeafCertificate: refusals", () => {
  const expectPkiError = async (p: Promise<unknown>, code: string, message?: RegExp) => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PkiError);
    expect((err as PkiError).code).toBe(code);
    if (message) expect((err as PkiError).message).toMatch(message);
  };

  it.each([
    ["negative serial", { serial: Uint8Array.of(0x80, 1) }, /negative/],
    ["zero serial", { serial: Uint8Array.of(0) }, /zero/],
    ["21-octet serial", { serial: new Uint8Array(21).fill(1) }, /at most 20/],
    ["non-minimal serial", { serial: Uint8Array.of(0, 1) }, /minimal/],
    ["bad DNS name", { sans: { dns: ["under_score.example"], ip: [] } }, /DNS name/],
    ["non-ASCII DNS name", { sans: { dns: ["bücher.example"], ip: [] } }, /punycode/],
    ["bad IP", { sans: { dns: [], ip: ["10.0.0.256"] } }, /IPv4 or IPv6/],
    ["IP with zone", { sans: { dns: [], ip: ["fe80::1%eth0"] } }, /IPv4 or IPv6/],
    ["empty subject without SAN", { subjectDer: Uint8Array.of(0x30, 0) }, /empty subject/],
    ["garbage subject", { subjectDer: Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00) }, /RDN/],
    ["notAfter before notBefore", { notAfter: new Date(Date.now() - DAY) }, /earlier/],
    ["no EKU", { extendedKeyUsage: [] }, /extended key usage/],
    ["non-http CRL URL", { crlUrl: "file:///etc/passwd" }, /http/],
  ] as [string, Partial<IssueLeafParams>, RegExp][])("%s", async (_name, overrides, message) => {
    await expectPkiError(issueLeafCertificate(baseParams(rsaCa, ecLeafKey, overrides)), "invalid_input", message);
  });

  it("refuses a keyType that does not match the key", async () => {
    await expectPkiError(issueLeafCertificate(baseParams(rsaCa, ecLeafKey, { keyType: "rsa" })), "invalid_input", /keyType/);
  });

  it("refuses a compressed EC point and a point off the curve (RFC 5480 §2.2: certificates carry the uncompressed form)", async () => {
    const point = ecLeafKey.spkiDer.subarray(-65);
    const compressed = ECDH.convertKey(Buffer.from(point), "prime256v1", undefined, undefined, "compressed") as Buffer;
    // The same SPKI with the 33-byte compressed point: header 30 39 30 13 <alg> 03 22 00 <point>.
    const spkiDer = Uint8Array.from([0x30, 0x39, ...ecLeafKey.spkiDer.subarray(2, 2 + 21), 0x03, 0x22, 0x00, ...compressed]);
    expect(createPublicKey({ key: Buffer.from(spkiDer), format: "der", type: "spki" }).asymmetricKeyType).toBe("ec"); // a valid SPKI
    await expectPkiError(issueLeafCertificate(baseParams(rsaCa, ecLeafKey, { spkiDer })), "invalid_input", /uncompressed point/);
    const offCurve = Uint8Array.from(ecLeafKey.spkiDer);
    offCurve[offCurve.length - 1] ^= 1;
    await expectPkiError(issueLeafCertificate(baseParams(rsaCa, ecLeafKey, { spkiDer: offCurve })), "invalid_input", /not a point on P-256/);
  });

  it("refuses RSA keys below 2048 bits", async () => {
    const small = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const spkiDer = new Uint8Array(small.publicKey.export({ format: "der", type: "spki" }));
    await expectPkiError(issueLeafCertificate(baseParams(rsaCa, rsaLeafKey, { spkiDer })), "invalid_input", /2048/);
  });

  it("refuses a signer that holds another key than the issuer certificate", async () => {
    const other = await generateNodeKeyPair("rsa-2048");
    await expectPkiError(issueLeafCertificate(baseParams(rsaCa, ecLeafKey, { signer: nodeSigner("rsa-2048", other.privateKey) })), "signer_mismatch", /does not verify/);
  });

  it("refuses a signer of another key type", async () => {
    await expectPkiError(issueLeafCertificate(baseParams(rsaCa, ecLeafKey, { signer: ecCa.issuing.signer })), "signer_mismatch");
  });

  it("refuses an issuer that is not a CA", async () => {
    const leaf = await issueLeafCertificate(baseParams(rsaCa, rsaLeafKey));
    await expectPkiError(
      issueLeafCertificate(baseParams(rsaCa, ecLeafKey, { issuerCertDer: leaf.der, signer: nodeSigner("rsa-2048", rsaLeafKey.privateKey) })),
      "issuer_unusable",
      /not a CA/,
    );
  });
});

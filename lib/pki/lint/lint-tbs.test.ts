// One crafted bad TBSCertificate per pre-issuance lint, each failing exactly under its name;
// the TBS Keyport's template builds passes every lint (RSA and EC keys, with and without SANs).
import { beforeAll, describe, expect, it } from "vitest";
import { createTestHierarchy, leafParams, type TestHierarchy } from "../interop/test-ca";
import { generateNodeKeyPair, type NodeKeyPair } from "../interop/node-signer";
import { DER_TRUE, TAG, contextConstructed, encodeAscii, encodeBitString, encodeOctetString, encodeOid, readChildren, readSingle, sequence, tlv, tlvBytes, valueBytes } from "../cert/der";
import { decodeOid, buildName } from "../cert/name";
import { getIssuerTemplate } from "../cert/issuer-template";
import { buildLeafTbs, type IssueLeafParams } from "../cert/leaf-certificate";
import { issueLeafThroughPipeline, LintFailedError } from "../cert/leaf-pipeline";
import { OID } from "../oids";
import { LINT_NAMES, lintLeafTbs, type LintName } from "./lint-tbs";

let rsaCa: TestHierarchy;
let rsaKey: NodeKeyPair;
let ecKey: NodeKeyPair;

beforeAll(async () => {
  [rsaCa, rsaKey, ecKey] = await Promise.all([createTestHierarchy("rsa-2048"), generateNodeKeyPair("rsa-2048"), generateNodeKeyPair("ecdsa-p256")]);
});

function params(key: NodeKeyPair, overrides: Partial<IssueLeafParams> = {}): IssueLeafParams {
  return leafParams(rsaCa, key, {
    sans: { dns: ["api.partner.example"], ip: ["192.0.2.1"] },
    crlUrl: "http://keyport.example/crl/PPR.crl",
    caIssuersUrl: "http://keyport.example/ca/PPR-issuing.cer",
    ...overrides,
  });
}

function goodTbs(key: NodeKeyPair, overrides: Partial<IssueLeafParams> = {}): Uint8Array {
  const p = params(key, overrides);
  return buildLeafTbs(getIssuerTemplate({ issuerCertDer: p.issuerCertDer, signer: p.signer, crlUrl: p.crlUrl, caIssuersUrl: p.caIssuersUrl }), p).tbs;
}

/** The TBS's fields as bytes, to put back together with one of them changed (a small DER builder). */
type Parts = { version: Uint8Array; serial: Uint8Array; signature: Uint8Array; issuer: Uint8Array; notBefore: Uint8Array; notAfter: Uint8Array; subject: Uint8Array; spki: Uint8Array; extensions: Uint8Array[] };

function split(tbs: Uint8Array): Parts {
  const f = readChildren(tbs, readSingle(tbs, TAG.SEQUENCE, "tbs"));
  const [nb, na] = readChildren(tbs, f[4]);
  const [extSeq] = readChildren(tbs, f[7]);
  const b = (i: number) => tlvBytes(tbs, f[i]).slice();
  return { version: b(0), serial: b(1), signature: b(2), issuer: b(3), notBefore: tlvBytes(tbs, nb).slice(), notAfter: tlvBytes(tbs, na).slice(), subject: b(5), spki: b(6), extensions: readChildren(tbs, extSeq).map((e) => tlvBytes(tbs, e).slice()) };
}

function join(p: Parts): Uint8Array {
  return sequence(p.version, p.serial, p.signature, p.issuer, sequence(p.notBefore, p.notAfter), p.subject, p.spki, tlv(contextConstructed(3), sequence(...p.extensions)));
}

const oidOfExtension = (e: Uint8Array) => decodeOid(valueBytes(e, readChildren(e, readSingle(e, TAG.SEQUENCE, "ext"))[0]));
const withExtension = (p: Parts, oid: string, replacement: Uint8Array | null): Parts => ({
  ...p,
  extensions: p.extensions.flatMap((e) => (oidOfExtension(e) === oid ? (replacement ? [replacement] : []) : [e])),
});
const extension = (oid: string, critical: boolean, value: Uint8Array) => sequence(encodeOid(oid), ...(critical ? [DER_TRUE] : []), encodeOctetString(value));

function failing(tbs: Uint8Array, ctx: { extendedKeyUsage?: ("clientAuth" | "serverAuth")[] } = {}): LintName[] {
  return lintLeafTbs(tbs, { issuerCertDer: rsaCa.issuing.cert.der, extendedKeyUsage: ctx.extendedKeyUsage ?? ["clientAuth"] })
    .filter((l) => l.result === "fail")
    .map((l) => l.name as LintName);
}

describe("pre-issuance lints", () => {
  it("pass on the TBS the template builds, for RSA and EC keys, with SANs or an empty subject", () => {
    expect(failing(goodTbs(rsaKey))).toEqual([]);
    expect(failing(goodTbs(ecKey, { sans: { dns: [], ip: [] } }))).toEqual([]);
    expect(failing(goodTbs(ecKey, { subjectDer: sequence() }))).toEqual([]);
    const all = lintLeafTbs(goodTbs(rsaKey), { issuerCertDer: rsaCa.issuing.cert.der, extendedKeyUsage: ["clientAuth"] });
    expect(all.map((l) => l.name)).toEqual([...LINT_NAMES]);
  });

  const cases: [LintName, string, () => Uint8Array, ("clientAuth" | "serverAuth")[]?][] = [
    ["lint.serial.positive", "a negative serial", () => join({ ...split(goodTbs(rsaKey)), serial: tlv(TAG.INTEGER, Uint8Array.of(0x80, 0x01)) })],
    ["lint.serial.positive", "a 21-octet serial", () => join({ ...split(goodTbs(rsaKey)), serial: tlv(TAG.INTEGER, Uint8Array.of(0x01, ...new Uint8Array(20).fill(7))) })],
    ["lint.serial.positive", "a zero serial", () => join({ ...split(goodTbs(rsaKey)), serial: tlv(TAG.INTEGER, Uint8Array.of(0)) })],
    ["lint.validity.encoding", "GeneralizedTime for 2030", () => join({ ...split(goodTbs(rsaKey)), notAfter: encodeAscii(TAG.GENERALIZED_TIME, "20300101000000Z") })],
    ["lint.validity.within-issuer", "a notAfter past the issuer's", () => join({ ...split(goodTbs(rsaKey)), notAfter: encodeAscii(TAG.UTC_TIME, "491231235959Z") })],
    ["lint.name.string-types", "a BMPString CN", () => join({ ...split(goodTbs(rsaKey)), subject: sequence(tlv(TAG.SET, sequence(encodeOid("2.5.4.3"), tlv(0x1e, Uint8Array.of(0, 0x61))))) })],
    ["lint.name.string-types", "a PrintableString with '@'", () => join({ ...split(goodTbs(rsaKey)), subject: sequence(tlv(TAG.SET, sequence(encodeOid("2.5.4.3"), encodeAscii(TAG.PRINTABLE_STRING, "a@b")))) })],
    ["lint.issuer.matches-ca", "another issuer name", () => join({ ...split(goodTbs(rsaKey)), issuer: buildName({ CN: "Someone Else CA" }) })],
    ["lint.extensions.unique", "a repeated extension", () => { const p = split(goodTbs(rsaKey)); return join({ ...p, extensions: [...p.extensions, p.extensions[0]] }); }],
    ["lint.basic-constraints.critical", "basicConstraints not critical", () => join(withExtension(split(goodTbs(rsaKey)), OID.basicConstraints, extension(OID.basicConstraints, false, sequence())))],
    ["lint.key-usage.critical", "keyUsage not critical", () => join(withExtension(split(goodTbs(rsaKey)), OID.keyUsage, extension(OID.keyUsage, false, encodeBitString(Uint8Array.of(0x80), 7))))],
    ["lint.key-usage.key-type", "keyEncipherment on an EC key", () => join(withExtension(split(goodTbs(ecKey)), OID.keyUsage, extension(OID.keyUsage, true, encodeBitString(Uint8Array.of(0xa0), 5))))],
    ["lint.eku.profile", "clientAuth where the profile says serverAuth", () => goodTbs(rsaKey), ["serverAuth"]],
    ["lint.san.syntax", "a DNS SAN with an underscore", () => join(withExtension(split(goodTbs(rsaKey)), OID.subjectAltName, extension(OID.subjectAltName, false, sequence(encodeAscii(0x82, "bad_name.example")))))],
    ["lint.san.syntax", "an empty SAN", () => join(withExtension(split(goodTbs(rsaKey)), OID.subjectAltName, extension(OID.subjectAltName, false, sequence())))],
    ["lint.san.syntax", "an empty subject with a non-critical SAN", () => join(withExtension({ ...split(goodTbs(rsaKey)), subject: sequence() }, OID.subjectAltName, extension(OID.subjectAltName, false, sequence(encodeAscii(0x82, "a.example")))))],
    ["lint.aki.issuer-ski", "an AKI that is not the issuer's SKI", () => join(withExtension(split(goodTbs(rsaKey)), OID.authorityKeyIdentifier, extension(OID.authorityKeyIdentifier, false, sequence(tlv(0x80, new Uint8Array(20))))))],
    ["lint.ski.present", "no SKI", () => join(withExtension(split(goodTbs(rsaKey)), OID.subjectKeyIdentifier, null))],
    ["lint.urls.http-ascii", "an ftp CRL URL", () => join(withExtension(split(goodTbs(rsaKey)), OID.cRLDistributionPoints, extension(OID.cRLDistributionPoints, false, sequence(sequence(tlv(0xa0, tlv(0xa0, encodeAscii(0x86, "ftp://keyport.example/PPR.crl"))))))))],
  ];
  for (const [name, what, build, eku] of cases) {
    it(`${name} fails on ${what}, and only it`, () => {
      expect(failing(build(), { extendedKeyUsage: eku })).toEqual([name]);
    });
  }

  it("stops the pipeline before signing: LintFailedError names the lint and the signer is never called", async () => {
    let signed = 0;
    const signer = { ...rsaCa.issuing.signer, sign: (d: Uint8Array) => (signed++, rsaCa.issuing.signer.sign(d)) };
    const p = params(rsaKey, { signer, alterTbs: (tbs: Uint8Array) => join({ ...split(tbs), serial: tlv(TAG.INTEGER, Uint8Array.of(0x80)) }) } as Partial<IssueLeafParams>);
    const e = await issueLeafThroughPipeline(p).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LintFailedError);
    expect((e as LintFailedError).message).toMatch(/lint\.serial\.positive/);
    expect(signed).toBe(0);
    const ok = await issueLeafThroughPipeline(params(rsaKey, { signer }));
    expect(signed).toBe(1);
    expect(ok.lints.every((l) => l.result === "pass")).toBe(true);
  });
});

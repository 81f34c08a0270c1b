import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestHierarchy, type TestHierarchy } from "../interop/test-ca";
import { splitCertificate } from "../cert/certificate-der";
import { randomSerial, serialToHex } from "../cert/serial";
import { buildCrl, type RevokedEntry } from "./build-crl";
import { parseCrlInfo, verifyCrlSignature } from "./crl-info";
import { REASON_CODE, REVOCATION_REASONS } from "./reasons";

const buf = (b: Uint8Array) => b.slice().buffer as ArrayBuffer;
const hex = (b: Uint8Array | ArrayBuffer) => Buffer.from(b instanceof ArrayBuffer ? new Uint8Array(b) : b).toString("hex");
const DAY = 86_400_000;

let h: TestHierarchy;
beforeAll(async () => {
  h = await createTestHierarchy("rsa-2048");
});

function parseWithPkijs(der: Uint8Array): pkijs.CertificateRevocationList {
  // asn1js stops at 10,000 nodes by default: allow one node per two bytes.
  const asn1 = asn1js.fromBER(buf(der), { maxNodes: der.length });
  expect(asn1.offset).not.toBe(-1);
  return new pkijs.CertificateRevocationList({ schema: asn1.result });
}

const now = new Date("2026-11-22T10:00:00.123Z");

describe("buildCrl", () => {
  it("writes a v2 CRL with CRL number, AKI, nextUpdate and reason codes (none for unspecified)", async () => {
    const entries: RevokedEntry[] = [
      { serial: randomSerial(), revokedAt: new Date(now.getTime() - DAY) },
      ...REVOCATION_REASONS.map((reason, i) => ({ serial: randomSerial(), revokedAt: new Date(now.getTime() - i * 1000), reason })),
    ];
    const der = await buildCrl({ issuerCertDer: h.issuing.cert.der, signer: h.issuing.signer, crlNumber: 7n, thisUpdate: now, nextUpdate: new Date(now.getTime() + 7 * DAY), entries });
    const crl = parseWithPkijs(der);
    expect(crl.version).toBe(1);
    expect(crl.nextUpdate?.value.toISOString()).toBe("2026-11-29T10:00:00.000Z");
    expect(crl.thisUpdate.value.toISOString()).toBe("2026-11-22T10:00:00.000Z");
    expect(crl.revokedCertificates).toHaveLength(entries.length);
    crl.revokedCertificates!.forEach((rc, i) => {
      expect(hex(rc.userCertificate.valueBlock.valueHexView)).toBe(hex(entries[i].serial));
      const reason = entries[i].reason;
      if (reason === undefined || reason === "unspecified") {
        // Absent, not an empty SEQUENCE.
        expect(rc.crlEntryExtensions).toBeUndefined();
      } else {
        const ext = rc.crlEntryExtensions!.extensions;
        expect(ext.map((e) => e.extnID)).toEqual(["2.5.29.21"]);
        expect(ext[0].critical).toBe(false);
        expect((ext[0].parsedValue as asn1js.Enumerated).valueBlock.valueDec).toBe(REASON_CODE[reason]);
      }
    });
    const crlExt = crl.crlExtensions!.extensions;
    expect(crlExt.map((e) => e.extnID)).toEqual(["2.5.29.35", "2.5.29.20"]);
    expect((crlExt[1].parsedValue as asn1js.Integer).valueBlock.valueDec).toBe(7);
    const issuerSki = splitCertificate(h.issuing.cert.der).extensions.find((e) => e.oid === "2.5.29.14")!.value;
    expect(hex((crlExt[0].parsedValue as pkijs.AuthorityKeyIdentifier).keyIdentifier!.valueBlock.valueHexView)).toBe(hex(issuerSki.subarray(2)));
    expect(hex(crl.issuer.toSchema().toBER(false))).toBe(hex(splitCertificate(h.issuing.cert.der).subject));

    // Same TBS bytes as pkijs writes for these objects.
    const reencoded = crl.toSchema(true) as asn1js.Sequence; // encodeFlag: rebuild the TBS from the parsed objects
    expect(hex(reencoded.valueBlock.value[0].toBER(false))).toBe(hex(parseCrlInfo(der).tbs));
    // Signature verifies (WebCrypto and pkijs).
    expect(await verifyCrlSignature(der, h.issuing.cert.der)).toBe(true);
    expect(await verifyCrlSignature(der, h.root.cert.der)).toBe(false);
    const info = parseCrlInfo(der);
    expect(info).toMatchObject({ version: 2, crlNumber: 7n, entryCount: entries.length, issuerString: "CN=Keyport Test Issuing rsa-2048,O=Keyport Test,C=DE" });
    expect(info.entries.map((e) => e.reason)).toEqual([undefined, undefined, ...REVOCATION_REASONS.slice(1)]);
    expect(info.entries[0].serialHex).toBe(serialToHex(entries[0].serial));
  });

  it("omits revokedCertificates entirely when nothing is revoked", async () => {
    const der = await buildCrl({ issuerCertDer: h.root.cert.der, signer: h.root.signer, crlNumber: 0n, thisUpdate: now, nextUpdate: new Date(now.getTime() + DAY), entries: [] });
    const crl = parseWithPkijs(der);
    expect(crl.revokedCertificates).toBeUndefined();
    expect(parseCrlInfo(der).entryCount).toBe(0);
    expect(await verifyCrlSignature(der, h.root.cert.der)).toBe(true);
  });

  it("handles 50,000 entries", async () => {
    const entries = Array.from({ length: 50_000 }, (_, i) => ({ serial: randomSerial(), revokedAt: new Date(now.getTime() - i * 60_000), reason: i % 3 ? REVOCATION_REASONS[i % 9] : undefined }));
    const der = await buildCrl({ issuerCertDer: h.issuing.cert.der, signer: h.issuing.signer, crlNumber: 2n ** 64n, thisUpdate: now, nextUpdate: new Date(now.getTime() + DAY), entries });
    const info = parseCrlInfo(der);
    expect(info.entryCount).toBe(50_000);
    expect(info.crlNumber).toBe(2n ** 64n);
    expect(info.entries[49_999].serialHex).toBe(serialToHex(entries[49_999].serial));
    // An independent count with asn1js (the full pkijs object model takes ~5 s at this size).
    const asn1 = asn1js.fromBER(buf(der), { maxNodes: der.length });
    const tbs = (asn1.result as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
    const revoked = tbs.valueBlock.value.find((v, i) => i > 3 && v instanceof asn1js.Sequence) as asn1js.Sequence;
    expect(revoked.valueBlock.value).toHaveLength(50_000);
    expect(await verifyCrlSignature(der, h.issuing.cert.der)).toBe(true);
  });

  it.each([
    ["duplicate serials", { entries: [{ serial: Uint8Array.of(1), revokedAt: now }, { serial: Uint8Array.of(1), revokedAt: now }] }, /repeats/],
    ["a negative CRL number", { crlNumber: -1n }, /crlNumber/],
    ["a 21-octet CRL number", { crlNumber: 2n ** 160n }, /crlNumber/],
    ["nextUpdate before thisUpdate", { nextUpdate: new Date(now.getTime() - 1000) }, /nextUpdate/],
    ["a bad serial", { entries: [{ serial: Uint8Array.of(0x80), revokedAt: now }] }, /negative/],
    ["an unknown reason", { entries: [{ serial: Uint8Array.of(1), revokedAt: now, reason: "removeFromCRL" as never }] }, /reason/],
  ])("refuses %s", async (_name, overrides, message) => {
    await expect(
      buildCrl({ issuerCertDer: h.issuing.cert.der, signer: h.issuing.signer, crlNumber: 1n, thisUpdate: now, nextUpdate: new Date(now.getTime() + DAY), entries: [], ...overrides }),
    ).rejects.toThrow(message);
  });

  it("refuses to sign a CRL with another CA's key", async () => {
    await expect(
      buildCrl({ issuerCertDer: h.issuing.cert.der, signer: h.root.signer, crlNumber: 1n, thisUpdate: now, nextUpdate: new Date(now.getTime() + DAY), entries: [] }),
    ).rejects.toMatchObject({ code: "signer_mismatch" });
  });
});

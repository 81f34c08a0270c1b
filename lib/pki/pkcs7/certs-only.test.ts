import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestHierarchy, type TestHierarchy } from "../interop/test-ca";
import { buildCertsOnlyPkcs7, pkcs7ToPem, readPkcs7Certificates } from "./certs-only";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
let h: TestHierarchy;
beforeAll(async () => {
  h = await createTestHierarchy("ecdsa-p256");
});

describe("PKCS#7 certs-only", () => {
  it("is a degenerate SignedData holding the certificates in order, byte for byte", () => {
    const certs = [h.issuing.cert.der, h.root.cert.der];
    const der = buildCertsOnlyPkcs7(certs);
    const ci = pkijs.ContentInfo.fromBER(der.slice().buffer);
    expect(ci.contentType).toBe("1.2.840.113549.1.7.2");
    const sd = new pkijs.SignedData({ schema: ci.content });
    expect(sd.version).toBe(1);
    expect(sd.digestAlgorithms).toHaveLength(0);
    expect(sd.signerInfos).toHaveLength(0);
    expect(sd.encapContentInfo.eContentType).toBe("1.2.840.113549.1.7.1");
    expect(sd.encapContentInfo.eContent).toBeUndefined();
    expect(sd.crls).toBeUndefined();
    expect(readPkcs7Certificates(der).map(hex)).toEqual(certs.map(hex));
    // DER: re-encoding the parsed structure gives the same bytes.
    expect(hex(new Uint8Array(asn1js.fromBER(der.slice().buffer).result.toBER(false)))).toBe(hex(der));
  });

  it("reads PEM with the PKCS7 label", () => {
    const pem = pkcs7ToPem(buildCertsOnlyPkcs7([h.root.cert.der]));
    expect(pem.startsWith("-----BEGIN PKCS7-----\n")).toBe(true);
    expect(readPkcs7Certificates(pem).map(hex)).toEqual([hex(h.root.cert.der)]);
  });

  it("refuses an empty list and non-certificates", () => {
    expect(() => buildCertsOnlyPkcs7([])).toThrow(/at least one/);
    expect(() => buildCertsOnlyPkcs7([Uint8Array.of(0x30, 0x00)])).toThrow(/not a DER X.509 certificate/);
  });
});

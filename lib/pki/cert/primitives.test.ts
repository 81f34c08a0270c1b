import * as asn1js from "asn1js";
import { describe, expect, it } from "vitest";
import { encodeOid, encodeUnsignedBigInt, readSingle } from "./der";
import { formatIpAddress, parseIpAddress } from "../ip-address";
import { buildName, nameToString } from "./name";
import { encodeTime, truncateToSeconds } from "./time";
import { inspectSpki } from "./signer";
import { randomOdd, rsaSpki } from "../csr/fixtures/hostile-csr";

const hex = (b: Uint8Array | ArrayBuffer) => Buffer.from(b instanceof ArrayBuffer ? new Uint8Array(b) : b).toString("hex");

describe("DER writer", () => {
  it.each(["1.2.840.113549.1.1.11", "2.5.29.37.0", "2.16.840.1.113894.746875.1.1", "1.3.6.1.4.1.311.21.7", "2.999.3"])("OID %s matches asn1js", (oid) => {
    expect(hex(encodeOid(oid))).toBe(hex(new asn1js.ObjectIdentifier({ value: oid }).toBER(false)));
  });

  it.each([0n, 1n, 127n, 128n, 255n, 256n, 2n ** 64n, 2n ** 159n - 1n])("INTEGER %s matches asn1js", (n) => {
    expect(hex(encodeUnsignedBigInt(n))).toBe(hex(asn1js.Integer.fromBigInt(n).toBER(false)));
  });

  it("rejects BER-only and truncated forms", () => {
    expect(() => readSingle(Uint8Array.of(0x30, 0x80, 0, 0), 0x30, "x")).toThrow(/indefinite/);
    expect(() => readSingle(Uint8Array.of(0x04, 0x81, 0x05, 1, 2, 3, 4, 5), 0x04, "x")).toThrow(/non-minimal/);
    expect(() => readSingle(Uint8Array.of(0x04, 0x05, 1), 0x04, "x")).toThrow(/past its container/);
  });
});

describe("time", () => {
  it.each([
    ["1950-01-01T00:00:00Z", "170d3530303130313030303030305a"],
    ["2049-12-31T23:59:59Z", "170d3439313233313233353935395a"],
    ["2050-01-01T00:00:00Z", "180f32303530303130313030303030305a"],
    ["1949-12-31T23:59:59Z", "180f31393439313233313233353935395a"],
  ])("%s", (iso, expected) => {
    expect(hex(encodeTime(new Date(iso)))).toBe(expected);
  });

  it("floors milliseconds", () => {
    expect(truncateToSeconds(new Date("2030-01-01T00:00:00.999Z")).toISOString()).toBe("2030-01-01T00:00:00.000Z");
  });
});

describe("IP addresses", () => {
  it.each([
    ["0.0.0.0", "00000000"],
    ["255.255.255.255", "ffffffff"],
    ["::", "0".repeat(32)],
    ["::1", `${"0".repeat(30)}01`],
    ["2001:db8::", `20010db8${"0".repeat(24)}`],
    ["2001:DB8:0:0:1:0:0:1", "20010db8000000000001000000000001"],
    ["::ffff:192.0.2.1", "00000000000000000000ffffc0000201"],
    ["fe80::1:2:3:4:5", "fe800000000000010002000300040005"],
  ])("%s", (text, expected) => {
    expect(hex(parseIpAddress(text))).toBe(expected);
  });

  it.each(["1.2.3", "1.2.3.4.5", "01.2.3.4", "256.1.1.1", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "[::1]", "::1/128", "fe80::1%eth0", "", "localhost"])(
    "rejects %j",
    (text) => {
      expect(() => parseIpAddress(text)).toThrow(/IPv4 or IPv6/);
    },
  );

  it("formats per RFC 5952", () => {
    expect(formatIpAddress(parseIpAddress("2001:0db8:0000:0000:0001:0000:0000:0001"))).toBe("2001:db8::1:0:0:1");
    expect(formatIpAddress(parseIpAddress("10.1.2.3"))).toBe("10.1.2.3");
  });
});

describe("names", () => {
  it("builds one attribute per RDN: C (PrintableString), O, CN (UTF8String)", () => {
    const der = buildName({ C: "DE", O: "Keyport", CN: "Keyport Root" });
    const seq = asn1js.fromBER(der.slice().buffer).result as asn1js.Sequence;
    expect(seq.valueBlock.value).toHaveLength(3);
    const types = seq.valueBlock.value.map((rdn) => ((rdn as asn1js.Set).valueBlock.value[0] as asn1js.Sequence).valueBlock.value[1].constructor.name);
    expect(types).toEqual(["PrintableString", "Utf8String", "Utf8String"]);
    expect(nameToString(der)).toBe("CN=Keyport Root,O=Keyport,C=DE");
  });

  it("escapes per RFC 4514", () => {
    expect(nameToString(buildName({ CN: "a,b+c", O: "#x" }))).toBe("CN=a\\,b\\+c,O=\\#x");
  });

  it("rejects bad country codes and overlong values", () => {
    expect(() => buildName({ CN: "x", C: "de" })).toThrow(/country/);
    expect(() => buildName({ CN: "x".repeat(65) })).toThrow(/64/);
  });
});

describe("inspectSpki", () => {
  it("refuses an RSA key over the size limits (lib/pki/key/rsa-limits.ts), as CSR parsing does", () => {
    expect(inspectSpki(rsaSpki(randomOdd(8192), Uint8Array.of(1, 0, 1)))).toMatchObject({ algorithm: "rsa", bits: 8192 });
    expect(() => inspectSpki(rsaSpki(randomOdd(16384), Uint8Array.of(1, 0, 1)))).toThrow(/Unsupported RSA public key: the RSA modulus has 16384 bits; Keyport reads RSA keys up to 8192 bits/);
    expect(() => inspectSpki(rsaSpki(randomOdd(2048), randomOdd(16384)))).toThrow(/the RSA public exponent has 16384 bits/);
    expect(() => inspectSpki(rsaSpki(randomOdd(2048), Uint8Array.of(1, 0, 0)))).toThrow(/the RSA public exponent is 65536; it must be odd/);
  });
});

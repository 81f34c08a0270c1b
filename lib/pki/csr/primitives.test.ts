import { describe, expect, it } from "vitest";
import { ecdsaDerToRaw } from "./ecdsa-signature";
import { formatIpAddress } from "@/lib/pki/ip-address";
import { escapeRfc4514 } from "./strings";

describe("formatIpAddress (RFC 5952)", () => {
  const v6 = (hex: string) => Uint8Array.from(Buffer.from(hex.replace(/:/g, ""), "hex"));
  it.each([
    ["20010db8:00000000:00000000:00000001", "2001:db8::1"],
    ["20010db8:00000001:00000000:00000001", "2001:db8:0:1::1"], // the lone zero group stays, the run of three is compressed
    ["20010db8:00000000:00010000:00000001", "2001:db8::1:0:0:1"], // equal runs: the first wins
    ["20010DB8:0000AAAA:0000FFFF:0000000A".toLowerCase(), "2001:db8:0:aaaa:0:ffff:0:a"],
    ["00000000:00000000:00000000:00000000", "::"],
    ["00000000:00000000:00000000:00000001", "::1"],
    ["fe800000:00000000:00000000:00000000", "fe80::"],
    ["00000000:00000000:0000ffff:c0000201", "::ffff:192.0.2.1"],
  ])("%s → %s", (hex, want) => expect(formatIpAddress(v6(hex))).toBe(want));
  it("IPv4 and bad lengths", () => {
    expect(formatIpAddress(Uint8Array.from([10, 0, 0, 255]))).toBe("10.0.0.255");
    expect(formatIpAddress(new Uint8Array(8))).toBeNull();
  });
});

describe("ecdsaDerToRaw", () => {
  it("strips the sign octet and left-pads to the curve size", () => {
    // SEQUENCE { INTEGER 00 ff..(32), INTEGER 01 }
    const r = [0x00, ...new Array(32).fill(0xff)];
    const der = Uint8Array.from([0x30, 2 + r.length + 3, 0x02, r.length, ...r, 0x02, 0x01, 0x01]);
    const raw = ecdsaDerToRaw(der, 32)!;
    expect(raw.length).toBe(64);
    expect(Array.from(raw.subarray(0, 32))).toEqual(new Array(32).fill(0xff));
    expect(Array.from(raw.subarray(32))).toEqual([...new Array(31).fill(0), 1]);
    expect(ecdsaDerToRaw(der, 31)).toBeNull(); // r too large for the curve
    expect(ecdsaDerToRaw(Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x01]), 32)).toBeNull();
  });
});

describe("escapeRfc4514", () => {
  it.each([
    ['a,b+c"d\\e;f<g>h', 'a\\,b\\+c\\"d\\\\e\\;f\\<g\\>h'],
    ["#x", "\\#x"],
    [" x ", "\\ x\\ "],
    [" ", "\\ "],
    ["a=b", "a=b"],
  ])("%j → %j", (v, want) => expect(escapeRfc4514(v, "utf8String")).toBe(want));
});

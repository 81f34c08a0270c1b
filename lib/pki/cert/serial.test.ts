import * as asn1js from "asn1js";
import { describe, expect, it } from "vitest";
import { PkiError } from "./errors";
import { assertValidSerial, randomSerial, serialFromHex, serialToHex } from "./serial";

describe("randomSerial", () => {
  it("is a positive, minimal DER INTEGER of at most 128 bits, never zero", () => {
    let highBit = 0;
    for (let i = 0; i < 5000; i++) {
      const s = randomSerial();
      expect(() => assertValidSerial(s)).not.toThrow();
      expect(s.length).toBeLessThanOrEqual(17);
      if (s.length === 17) {
        expect(s[0]).toBe(0);
        expect(s[1] & 0x80).toBe(0x80);
        highBit++;
      }
      // asn1js reads it back as the same positive value.
      const der = new asn1js.Integer({ valueHex: s.slice().buffer }).toBER(false);
      const back = asn1js.fromBER(der).result as asn1js.Integer;
      expect(back.toBigInt()).toBe(BigInt(`0x${serialToHex(s)}`));
      expect(back.toBigInt() > 0n).toBe(true);
    }
    // Half of all 128-bit values have the top bit set (→ 0x00 prefix); 5000 draws land near 2500.
    expect(highBit).toBeGreaterThan(2200);
    expect(highBit).toBeLessThan(2800);
  });

  it("does not repeat", () => {
    const seen = new Set(Array.from({ length: 10000 }, () => serialToHex(randomSerial())));
    expect(seen.size).toBe(10000);
  });
});

describe("serial hex", () => {
  it.each([
    ["01", [0x01], "01"],
    ["0x80 gets a sign octet", [0x00, 0x80], "80"],
    ["0xabcd gets a sign octet", [0x00, 0xab, 0xcd], "ABCD"],
    ["leading zeros dropped", [0x12, 0x34], "1234"],
  ] as [string, number[], string][])("%s", (_name, bytes, hex) => {
    expect(serialToHex(Uint8Array.from(bytes))).toBe(hex);
    expect(Array.from(serialFromHex(hex))).toEqual(bytes);
  });

  it("parses odd lengths, colons and leading zeros", () => {
    expect(Array.from(serialFromHex("0:0:1:23"))).toEqual([0x01, 0x23]);
    expect(Array.from(serialFromHex("fff"))).toEqual([0x0f, 0xff]);
  });

  it("rejects zero, non-hex and more than 20 octets", () => {
    expect(() => serialFromHex("000")).toThrow(PkiError);
    expect(() => serialFromHex("xyz")).toThrow(/hexadecimal/);
    expect(() => serialFromHex("7f".repeat(21))).toThrow(/at most 20/);
    expect(() => serialFromHex("ff".repeat(20))).toThrow(/at most 20/); // 21 octets with the sign octet
    expect(() => serialFromHex("7f".repeat(20))).not.toThrow();
  });
});

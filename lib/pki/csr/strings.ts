// Exact decoding of X.520 DirectoryString and related ASN.1 string types (X.680 §41,
// RFC 5280 §4.1.2.4) and their display in RFC 4514 form. Decoding is strict: bytes that are
// not valid in the declared type are an error, never silently replaced, because issuance
// copies the subject bytes and what the officer reviews must be what gets certified.
import { type Node, UNIVERSAL_TAG, contentBytes, encodedBytes } from "./asn1-nodes";
import { toHex } from "@/lib/pki/pem";

export type StringValueType =
  | "utf8String"
  | "printableString"
  | "ia5String"
  | "teletexString"
  | "bmpString"
  | "universalString"
  | "visibleString"
  | "numericString"
  | "other";

const TYPE_BY_TAG: Readonly<Record<number, Exclude<StringValueType, "other">>> = {
  [UNIVERSAL_TAG.UTF8_STRING]: "utf8String",
  [UNIVERSAL_TAG.PRINTABLE_STRING]: "printableString",
  [UNIVERSAL_TAG.IA5_STRING]: "ia5String",
  [UNIVERSAL_TAG.TELETEX_STRING]: "teletexString",
  [UNIVERSAL_TAG.BMP_STRING]: "bmpString",
  [UNIVERSAL_TAG.UNIVERSAL_STRING]: "universalString",
  [UNIVERSAL_TAG.VISIBLE_STRING]: "visibleString",
  [UNIVERSAL_TAG.NUMERIC_STRING]: "numericString",
};

export type DecodedString = { value: string; valueType: StringValueType };

/** Thrown when string content does not match its declared ASN.1 type. */
export class StringEncodingError extends Error {}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Decode an attribute value. Known string types decode exactly (UTF8String as UTF-8,
 * BMPString as UTF-16BE, UniversalString as UTF-32BE, the 7-bit types as ASCII, TeletexString
 * as Latin-1, as most software treats T.61 in practice); anything else is shown as
 * "#" + hex of its DER, as RFC 4514 §2.4 prescribes for values without a string form.
 */
export function decodeAttributeValue(node: Node): DecodedString {
  const type = node.tagClass === 1 && !node.constructed ? TYPE_BY_TAG[node.tagNumber] : undefined;
  if (!type) return { value: `#${toHex(encodedBytes(node))}`, valueType: "other" };
  return { value: decodeStringBytes(contentBytes(node), type), valueType: type };
}

export function decodeStringBytes(b: Uint8Array, type: Exclude<StringValueType, "other">): string {
  switch (type) {
    case "utf8String":
      try {
        return utf8.decode(b);
      } catch {
        throw new StringEncodingError("is a UTF8String that is not valid UTF-8");
      }
    case "bmpString": {
      if (b.length % 2) throw new StringEncodingError("is a BMPString with an odd number of bytes");
      // UTF-16BE, as Windows writes it: a surrogate pair is one character beyond the BMP; half of
      // one is no character at all (Unicode §3.9) and could not be stored or shown.
      let s = "";
      for (let i = 0; i < b.length; i += 2) {
        const unit = (b[i] << 8) | b[i + 1];
        const low = i + 3 < b.length ? (b[i + 2] << 8) | b[i + 3] : -1;
        if (unit >= 0xdc00 && unit <= 0xdfff) throw new StringEncodingError(`is a BMPString holding an unpaired surrogate (U+${unit.toString(16).toUpperCase()})`);
        if (unit >= 0xd800 && unit <= 0xdbff) {
          if (!(low >= 0xdc00 && low <= 0xdfff)) throw new StringEncodingError(`is a BMPString holding an unpaired surrogate (U+${unit.toString(16).toUpperCase()})`);
          s += String.fromCharCode(unit, low);
          i += 2;
          continue;
        }
        s += String.fromCharCode(unit);
      }
      return s;
    }
    case "universalString": {
      if (b.length % 4) throw new StringEncodingError("is a UniversalString whose length is not a multiple of 4 bytes");
      let s = "";
      for (let i = 0; i < b.length; i += 4) {
        const cp = ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new StringEncodingError("is a UniversalString holding an invalid code point");
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    case "teletexString":
      return latin1(b);
    default: {
      // PrintableString, IA5String, VisibleString, NumericString: 7-bit character sets.
      if (b.some((x) => x > 0x7f)) throw new StringEncodingError(`is a ${TYPE_NAME[type]} containing non-ASCII bytes`);
      const text = latin1(b);
      // X.680 §41.4 (PrintableString, NumericString) and ISO 646 graphic characters (VisibleString):
      // a value outside its declared alphabet is not a value of that type.
      if (type === "printableString" && !PRINTABLE_ALPHABET.test(text)) throw new StringEncodingError(`is a PrintableString holding ${outside(text, PRINTABLE_ALPHABET)}, outside its alphabet (A–Z a–z 0–9 space ' ( ) + , - . / : = ?)`);
      if (type === "numericString" && !/^[0-9 ]*$/.test(text)) throw new StringEncodingError("is a NumericString holding characters other than digits and space");
      if (type === "visibleString" && !/^[\x20-\x7e]*$/.test(text)) throw new StringEncodingError("is a VisibleString holding control characters");
      return text;
    }
  }
}

/** X.680 §41.4 Table 10: the PrintableString alphabet. */
export const PRINTABLE_ALPHABET = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

function outside(text: string, alphabet: RegExp): string {
  const bad = [...new Set([...text].filter((c) => !alphabet.test(c)))].slice(0, 5);
  return bad.map((c) => (c >= " " && c <= "~" ? `"${c}"` : `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`)).join(", ");
}

const TYPE_NAME: Readonly<Record<string, string>> = {
  printableString: "PrintableString",
  ia5String: "IA5String",
  visibleString: "VisibleString",
  numericString: "NumericString",
};

function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 0x2000) s += String.fromCharCode(...b.subarray(i, i + 0x2000));
  return s;
}

/** RFC 4514 §2.4 escaping of an attribute value for display (values already in "#hex" form pass through). */
export function escapeRfc4514(value: string, valueType: StringValueType): string {
  if (valueType === "other") return value;
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === "\u0000") out += "\\00";
    else if ('\\"+,;<>'.includes(c)) out += `\\${c}`;
    else if ((i === 0 && (c === " " || c === "#")) || (i === value.length - 1 && c === " ")) out += `\\${c}`;
    else out += c;
  }
  return out;
}

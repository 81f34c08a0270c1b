// X.501 Names: building a CA's subject, validating a CSR's subject bytes, and the RFC 4514
// string shown in the UI.
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { PkiError } from "./errors";
import { TAG, readChildren, readSingle, valueBytes } from "./der";
import { OID } from "@/lib/pki/oids";
import { decodeOidContent } from "../csr/asn1-nodes";

export interface SimpleName {
  /** commonName (UTF8String, ≤ 64 characters, RFC 5280 ub-common-name). */
  CN: string;
  /** organizationName (UTF8String, ≤ 64 characters). */
  O?: string;
  /** countryName: two upper-case letters (ISO 3166), PrintableString. */
  C?: string;
}

function attribute(type: string, value: pkijs.AttributeValueType): asn1js.Set {
  // One AttributeTypeAndValue per SET: `new RelativeDistinguishedNames({ typesAndValues })`
  // would put them all into ONE multi-valued RDN.
  return new asn1js.Set({ value: [new pkijs.AttributeTypeAndValue({ type, value }).toSchema()] });
}

/** DER Name for C, O, CN (that order, one attribute per RDN). */
export function buildName(name: SimpleName): Uint8Array {
  const rdns: asn1js.Set[] = [];
  const text = (label: string, v: string) => {
    const trimmed = v.trim();
    if (!trimmed || trimmed !== v) throw new PkiError("invalid_input", `${label} must be non-empty without surrounding spaces`);
    if ([...v].length > 64) throw new PkiError("invalid_input", `${label} is longer than 64 characters (RFC 5280 upper bound)`);
    return new asn1js.Utf8String({ value: v });
  };
  if (name.C !== undefined) {
    if (!/^[A-Z]{2}$/.test(name.C)) throw new PkiError("invalid_input", "C must be a two-letter upper-case country code");
    rdns.push(attribute(OID.countryName, new asn1js.PrintableString({ value: name.C })));
  }
  if (name.O !== undefined) rdns.push(attribute(OID.organizationName, text("O", name.O)));
  rdns.push(attribute(OID.commonName, text("CN", name.CN)));
  return new Uint8Array(new asn1js.Sequence({ value: rdns }).toBER(false));
}

/** Throws unless the bytes are one DER Name: SEQUENCE OF SET SIZE(1..) OF SEQUENCE { OID, value }. */
export function assertValidName(der: Uint8Array, what = "subject name"): void {
  const outer = readSingle(der, TAG.SEQUENCE, what);
  for (const rdn of readChildren(der, outer, what)) {
    if (rdn.tag !== TAG.SET) throw new PkiError("invalid_input", `Malformed ${what}: an RDN is not a SET`);
    const atvs = readChildren(der, rdn, what);
    if (!atvs.length) throw new PkiError("invalid_input", `Malformed ${what}: empty RDN`);
    for (const atv of atvs) {
      const parts = atv.tag === TAG.SEQUENCE ? readChildren(der, atv, what) : [];
      if (parts.length !== 2 || parts[0].tag !== TAG.OID) throw new PkiError("invalid_input", `Malformed ${what}: bad AttributeTypeAndValue`);
    }
  }
}

/** True for the empty Name (SEQUENCE {}), which obliges a critical subjectAltName (RFC 5280 §4.2.1.6). */
export const isEmptyName = (der: Uint8Array) => der.length === 2 && der[0] === TAG.SEQUENCE && der[1] === 0;

// RFC 4514 §3 short names, plus a few that OpenSSL also prints by name.
const SHORT_NAMES: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.6": "C",
  "2.5.4.9": "STREET",
  "0.9.2342.19200300.100.1.25": "DC",
  "0.9.2342.19200300.100.1.1": "UID",
  "2.5.4.5": "serialNumber",
  "2.5.4.4": "SN",
  "2.5.4.42": "GN",
  "2.5.4.12": "title",
  "2.5.4.97": "organizationIdentifier",
  "1.2.840.113549.1.9.1": "emailAddress",
};

/** Dotted OID of OBJECT IDENTIFIER content octets; "" when they are not a valid OID (arcs bounded: lib/pki/csr/asn1-nodes.ts). */
export function decodeOid(bytes: Uint8Array): string {
  return decodeOidContent(bytes) ?? "";
}

function decodeString(tag: number, bytes: Uint8Array): string | null {
  switch (tag) {
    case TAG.UTF8_STRING:
      return new TextDecoder("utf-8", { fatal: false }).decode(bytes);
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case 0x14: // TeletexString, read as Latin-1 like most toolkits
    case 0x1a: // VisibleString
      return String.fromCharCode(...bytes);
    case 0x1e: {
      // BMPString: UTF-16BE
      let s = "";
      for (let i = 0; i + 1 < bytes.length; i += 2) s += String.fromCharCode((bytes[i] << 8) | bytes[i + 1]);
      return s;
    }
    case 0x1c: {
      // UniversalString: UTF-32BE
      let s = "";
      for (let i = 0; i + 3 < bytes.length; i += 4) s += String.fromCodePoint(((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0);
      return s;
    }
    default:
      return null;
  }
}

function escapeValue(v: string): string {
  // RFC 4514 §2.4
  let out = v.replace(/[\\"+,;<>]/g, (c) => `\\${c}`).replace(/\0/g, "\\00");
  if (out.startsWith("#") || out.startsWith(" ")) out = `\\${out}`;
  if (out.endsWith(" ") && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/**
 * RFC 4514 string of a DER Name: RDNs in reverse order ("CN=…,O=…,C=…"), multi-valued RDNs joined
 * with "+"; unknown types as dotted OIDs with "#hex" values. Same as `openssl … -nameopt RFC2253`
 * for the usual attributes.
 */
export function nameToString(der: Uint8Array): string {
  const outer = readSingle(der, TAG.SEQUENCE, "Name");
  const rdns = readChildren(der, outer, "Name").map((rdn) =>
    readChildren(der, rdn, "Name")
      .map((atv) => {
        const [type, value] = readChildren(der, atv, "Name");
        const oid = decodeOid(valueBytes(der, type));
        const short = SHORT_NAMES[oid];
        const text = decodeString(value.tag, valueBytes(der, value));
        if (short && text !== null) return `${short}=${escapeValue(text)}`;
        const hex = Array.from(der.subarray(value.start, value.end), (b) => b.toString(16).padStart(2, "0")).join("");
        return `${short ?? oid}=#${hex}`;
      })
      .join("+"),
  );
  return rdns.reverse().join(",");
}

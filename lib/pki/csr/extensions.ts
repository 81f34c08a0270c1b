// The extensions a CSR asks for: the PKCS #9 extensionRequest attribute (RFC 2985 §5.4.2,
// RFC 2986 §4.1) holding Extensions (RFC 5280 §4.1), and the subjectAltName GeneralNames
// in it (RFC 5280 §4.2.1.6).
import {
  type Node,
  UNIVERSAL_TAG,
  booleanValue,
  children,
  contentBytes,
  decodeOidContent,
  isContext,
  isOctetString,
  isOid,
  isSequence,
  isUniversal,
  oidOf,
  parseExactDer,
} from "./asn1-nodes";
import { formatIpAddress } from "@/lib/pki/ip-address";
import { formatName, readName } from "./name";
import { OID } from "@/lib/pki/oids";
import { decodeAttributeValue, decodeStringBytes } from "./strings";

export type SubjectAltName = { type: "dns" | "ip" | "email" | "uri" | "other"; value: string };
export type RequestedExtension = { oid: string; critical: boolean };

export class ExtensionError extends Error {}

/** A CSR attribute (RFC 2986 §4.1): its type and the values of its SET. */
export type CsrAttribute = { type: string; values: readonly Node[] };

export function readRequestedExtensions(attributes: CsrAttribute[] | undefined): {
  requestedExtensions: RequestedExtension[];
  sans: SubjectAltName[];
} {
  const requests = (attributes ?? []).filter((a) => a.type === OID.extensionRequest);
  if (requests.length === 0) return { requestedExtensions: [], sans: [] };
  // RFC 2985 §5.4.2: extensionRequest is single-valued; two would leave the request ambiguous.
  if (requests.length > 1 || requests[0].values.length !== 1) throw new ExtensionError("the CSR has more than one extensionRequest value");
  const extensions = requests[0].values[0] as Node;
  if (!isSequence(extensions)) throw new ExtensionError("the extensionRequest attribute is not a SEQUENCE OF Extension");

  const requestedExtensions: RequestedExtension[] = [];
  let sans: SubjectAltName[] = [];
  // A set, not a scan of the list per extension: a 64 KiB CSR holds thousands of extensions.
  const seen = new Set<string>();
  for (const ext of children(extensions)) {
    // Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
    const parts = children(ext);
    const [id] = parts;
    const critical = parts.length === 3 && isUniversal(parts[1], UNIVERSAL_TAG.BOOLEAN) ? booleanValue(parts[1]) : false;
    const value = parts[parts.length - 1];
    if (!isSequence(ext) || !isOid(id) || !isOctetString(value) || parts.length < 2 || parts.length > 3 || (parts.length === 3 && !isUniversal(parts[1], UNIVERSAL_TAG.BOOLEAN))) {
      throw new ExtensionError("a requested extension is not a well-formed Extension");
    }
    const oid = oidOf(id);
    // RFC 5280 §4.2: a certificate must not include more than one instance of an extension.
    if (seen.has(oid)) throw new ExtensionError(`the extension ${oid} is requested twice`);
    seen.add(oid);
    requestedExtensions.push({ oid, critical });
    if (oid === OID.subjectAltName) sans = readGeneralNames(contentBytes(value));
  }
  return { requestedExtensions, sans };
}

/** GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName (RFC 5280 §4.2.1.6). */
function readGeneralNames(der: Uint8Array): SubjectAltName[] {
  const root = parseExactDer(der);
  if (!root || !isSequence(root) || children(root).length === 0) throw new ExtensionError("the subjectAltName extension is not a non-empty GeneralNames");
  return children(root).map(readGeneralName);
}

function readGeneralName(n: Node): SubjectAltName {
  const ascii = (what: string) => {
    try {
      return decodeStringBytes(contentBytes(n), "ia5String");
    } catch {
      throw new ExtensionError(`a subjectAltName ${what} contains non-ASCII bytes (IA5String)`);
    }
  };
  // The CHOICE alternatives are IMPLICIT context tags except directoryName ([4], EXPLICIT: a Name is a CHOICE).
  if (isContext(n, 2) && !n.constructed) return { type: "dns", value: ascii("dNSName") };
  if (isContext(n, 7) && !n.constructed) {
    const ip = formatIpAddress(contentBytes(n));
    if (ip === null) throw new ExtensionError("a subjectAltName iPAddress is neither 4 (IPv4) nor 16 (IPv6) bytes");
    return { type: "ip", value: ip };
  }
  if (isContext(n, 1) && !n.constructed) return { type: "email", value: ascii("rfc822Name") };
  if (isContext(n, 6) && !n.constructed) return { type: "uri", value: ascii("uniformResourceIdentifier") };
  if (isContext(n, 0) && n.constructed) {
    // otherName ::= SEQUENCE { type-id OID, value [0] EXPLICIT ANY } (IMPLICIT, so the [0] holds the two fields)
    const [typeId, wrapped] = children(n);
    if (!isOid(typeId)) throw new ExtensionError("a subjectAltName otherName has no type OID");
    const inner = children(wrapped)[0];
    const shown = inner ? decodeAttributeValue(inner).value : "";
    return { type: "other", value: `otherName:${oidOf(typeId)}${shown ? `:${shown}` : ""}` };
  }
  if (isContext(n, 4) && n.constructed) return { type: "other", value: `directoryName:${formatName(readName(children(n)[0]))}` };
  if (isContext(n, 8) && !n.constructed) return { type: "other", value: `registeredID:${decodeOidContent(contentBytes(n)) ?? "?"}` };
  if (isContext(n, 3)) return { type: "other", value: "x400Address" };
  if (isContext(n, 5)) return { type: "other", value: "ediPartyName" };
  throw new ExtensionError("a subjectAltName entry is not a GeneralName");
}

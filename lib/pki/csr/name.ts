// Reading the subject Name of a CSR (RFC 5280 §4.1.2.4, X.501): RDNs in encoded order,
// multi-valued RDNs kept, every value decoded exactly.
import { type Node, children, isOid, isSequence, isSet, oidOf } from "./asn1-nodes";
import { ATTRIBUTE_NAMES } from "@/lib/pki/oids";
import { type StringValueType, StringEncodingError, decodeAttributeValue, escapeRfc4514 } from "./strings";

export type SubjectAttribute = {
  oid: string;
  /** Short name ("CN", "O", "emailAddress", ...) or the dotted OID when it has none. */
  name: string;
  value: string;
  valueType: StringValueType;
};

/** Thrown with a partner-readable reason when the Name is not well formed. */
export class NameError extends Error {}

/** Name ::= SEQUENCE OF RelativeDistinguishedName; RDN ::= SET SIZE (1..MAX) OF AttributeTypeAndValue. */
export function readName(name: Node): SubjectAttribute[][] {
  if (!isSequence(name)) throw new NameError("the subject is not a Name (SEQUENCE OF RelativeDistinguishedName)");
  return children(name).map((rdn) => {
    if (!isSet(rdn) || children(rdn).length === 0) throw new NameError("the subject contains an RDN that is not a non-empty SET");
    return children(rdn).map(readAttributeTypeAndValue);
  });
}

function readAttributeTypeAndValue(atv: Node): SubjectAttribute {
  const [type, value, ...rest] = children(atv);
  if (!isSequence(atv) || !isOid(type) || !value || rest.length) {
    throw new NameError("the subject contains an attribute that is not a SEQUENCE { type OID, value }");
  }
  const oid = oidOf(type);
  const name = ATTRIBUTE_NAMES[oid] ?? oid;
  try {
    return { oid, name, ...decodeAttributeValue(value) };
  } catch (e) {
    if (e instanceof StringEncodingError) throw new NameError(`the subject attribute ${name} ${e.message}`);
    throw e;
  }
}

/**
 * RFC 4514-style display: "C=NO, O=Acme Payments AS, CN=acme-client". Unlike RFC 4514 §2.1
 * (which reverses the sequence) RDNs appear in the order they are encoded, most significant
 * first, as openssl and most UIs show them; multi-valued RDNs are joined with "+".
 */
export function formatName(rdns: SubjectAttribute[][]): string {
  return rdns.map((rdn) => rdn.map((a) => `${a.name}=${escapeRfc4514(a.value, a.valueType)}`).join("+")).join(", ");
}

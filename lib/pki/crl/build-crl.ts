// X.509 v2 CRLs (RFC 5280 §5): CRL number, AKI, nextUpdate; a reasonCode entry extension for
// every reason except "unspecified" (§5.3.1: SHOULD be absent rather than unspecified), and no
// crlEntryExtensions at all when there is nothing to put in them.
//
// Written straight into one buffer: a CRL with 50,000 entries is ~2.5 MB and 450,000 ASN.1
// nodes, far too many to build as pkijs/asn1js objects in time.
import { PkiError } from "../cert/errors";
import { TAG, contextConstructed, copyInto, encodeOid, encodeUnsignedBigInt, headerSize, sequence, writeHeader } from "../cert/der";
import { writeExtension } from "../cert/extensions";
import { createIssuerTemplate } from "../cert/issuer-template";
import { assembleSignedStructure, signWithTemplate } from "../cert/sign-tbs";
import { OID } from "@/lib/pki/oids";
import { assertValidSerial } from "../cert/serial";
import type { Signer } from "../cert/signer";
import { encodedTimeSize, truncateToSeconds, writeTime } from "../cert/time";
import { REASON_CODE, type RevocationReason } from "./reasons";

export interface RevokedEntry {
  /** DER INTEGER content octets of the revoked certificate's serial. */
  serial: Uint8Array;
  revokedAt: Date;
  reason?: RevocationReason;
}

export interface BuildCrlParams {
  issuerCertDer: Uint8Array;
  signer: Signer;
  /** Monotonically increasing per issuer (RFC 5280 §5.2.3); non-negative, at most 20 octets. */
  crlNumber: bigint;
  thisUpdate: Date;
  nextUpdate: Date;
  entries: readonly RevokedEntry[];
}

const CRL_VERSION_V2 = Uint8Array.of(0x02, 0x01, 0x01);

// crlEntryExtensions: SEQUENCE { Extension { cRLReason, OCTET STRING { ENUMERATED code } } }, one per reason.
const REASON_EXTENSIONS = new Map<RevocationReason, Uint8Array>(
  (Object.entries(REASON_CODE) as [RevocationReason, number][])
    .filter(([name]) => name !== "unspecified")
    .map(([name, code]) => [name, sequence(writeExtension(encodeOid(OID.cRLReason), false, Uint8Array.of(TAG.ENUMERATED, 1, code)))]),
);

export async function buildCrl(params: BuildCrlParams): Promise<Uint8Array> {
  const { signer, entries } = params;
  if (params.crlNumber < 0n || params.crlNumber >= 1n << 159n) throw new PkiError("invalid_input", "crlNumber must be a non-negative integer of at most 20 octets");
  const template = createIssuerTemplate({ issuerCertDer: params.issuerCertDer, signer, purpose: "crls" });
  const thisUpdate = truncateToSeconds(params.thisUpdate);
  const nextUpdate = truncateToSeconds(params.nextUpdate);
  if (nextUpdate.getTime() <= thisUpdate.getTime()) throw new PkiError("invalid_input", "nextUpdate must be later than thisUpdate");

  // Pass 1: validate and measure.
  const entryLengths = new Int32Array(entries.length);
  const seen = new Set<string>();
  let revokedContent = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    assertValidSerial(e.serial, `serial of CRL entry ${i}`);
    const key = String.fromCharCode.apply(null, e.serial as unknown as number[]);
    if (seen.has(key)) throw new PkiError("invalid_input", `CRL entry ${i} repeats a serial number`);
    seen.add(key);
    let reasonLength = 0;
    if (e.reason !== undefined && e.reason !== "unspecified") {
      const ext = REASON_EXTENSIONS.get(e.reason);
      if (!ext) throw new PkiError("invalid_input", `Unknown revocation reason ${String(e.reason)}`);
      reasonLength = ext.length;
    }
    const content = headerSize(e.serial.length) + e.serial.length + encodedTimeSize(e.revokedAt) + reasonLength;
    entryLengths[i] = content;
    revokedContent += headerSize(content) + content;
  }

  const crlExtensions = [
    template.authorityKeyIdDer,
    writeExtension(encodeOid(OID.cRLNumber), false, encodeUnsignedBigInt(params.crlNumber)),
  ];
  let extContent = 0;
  for (const e of crlExtensions) extContent += e.length;
  const extSeq = headerSize(extContent) + extContent;
  // revokedCertificates is omitted, not empty, when nothing is revoked (RFC 5280 §5.1.2.6).
  const revokedTotal = entries.length ? headerSize(revokedContent) + revokedContent : 0;
  const tbsContent =
    CRL_VERSION_V2.length +
    template.signatureAlgorithmDer.length +
    template.issuerNameDer.length +
    encodedTimeSize(thisUpdate) +
    encodedTimeSize(nextUpdate) +
    revokedTotal +
    headerSize(extSeq) +
    extSeq;

  // Pass 2: write.
  const tbs = new Uint8Array(headerSize(tbsContent) + tbsContent);
  let o = writeHeader(tbs, 0, TAG.SEQUENCE, tbsContent);
  o = copyInto(tbs, o, CRL_VERSION_V2);
  o = copyInto(tbs, o, template.signatureAlgorithmDer);
  o = copyInto(tbs, o, template.issuerNameDer);
  o = writeTime(tbs, o, thisUpdate);
  o = writeTime(tbs, o, nextUpdate);
  if (entries.length) {
    o = writeHeader(tbs, o, TAG.SEQUENCE, revokedContent);
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      o = writeHeader(tbs, o, TAG.SEQUENCE, entryLengths[i]);
      o = writeHeader(tbs, o, TAG.INTEGER, e.serial.length);
      o = copyInto(tbs, o, e.serial);
      o = writeTime(tbs, o, e.revokedAt);
      if (e.reason !== undefined && e.reason !== "unspecified") o = copyInto(tbs, o, REASON_EXTENSIONS.get(e.reason) as Uint8Array);
    }
  }
  o = writeHeader(tbs, o, contextConstructed(0), extSeq);
  o = writeHeader(tbs, o, TAG.SEQUENCE, extContent);
  for (const e of crlExtensions) o = copyInto(tbs, o, e);
  if (o !== tbs.length) throw new Error(`CRL length mismatch (${o} != ${tbs.length})`);

  const signature = await signWithTemplate(template, signer, tbs);
  return assembleSignedStructure(tbs, template.signatureAlgorithmDer, signature);
}

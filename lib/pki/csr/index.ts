// CSR intake, parsing and self-signature verification (RFC 2986). Pure: browser and Node.
export { decodeCsrInput, type CsrInputFormat, type DecodedCsrInput } from "./intake";
export {
  parseCsr,
  readCsr,
  CsrError,
  type ParsedCsr,
  type IntakeCode,
  type IntakeFinding,
  type SubjectAttribute,
  type SubjectAltName,
  type RequestedExtension,
  type PublicKeyDescription,
} from "./parse-csr";
export { MAX_CSR_INPUT_BYTES } from "./findings";

export { buildCertsOnlyPkcs7, pkcs7ToPem, readPkcs7Certificates } from "./certs-only";

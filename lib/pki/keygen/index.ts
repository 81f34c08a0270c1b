export { buildSubject, generateKeyAndCsr, signatureHashFor, type GeneratedKeyAndCsr, type KeyTypeId, type SubjectAttribute } from "./generate";
export { KEY_FILE_ITERATIONS, PrivateKeyFileProblem, pkcs8Algorithm, privateKeyPem, readPrivateKeyFile, type PrivateKeyFileError } from "./private-key-file";

export { buildKeyAndChainPkcs12, buildTruststorePkcs12, KEY_ITERATIONS, MAX_ITERATIONS, MIN_KEY_ITERATIONS, TRUSTSTORE_ITERATIONS, type KeyAndChainParams, type TruststoreParams } from "./build-pkcs12";
export { privateKeyMatchesCertificate } from "./key-match";
export { assertPkcs12Password, MAX_PKCS12_PASSWORD_LENGTH } from "./password";

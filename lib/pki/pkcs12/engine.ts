// pkijs on the platform's WebCrypto (globalThis.crypto: browsers and Node ≥ 20). Passed
// explicitly to every pkijs call instead of pkijs's process-global engine.
import * as pkijs from "pkijs";

let engine: pkijs.ICryptoEngine | undefined;

export function webCryptoEngine(): pkijs.ICryptoEngine {
  engine ??= new pkijs.CryptoEngine({ name: "keyport-webcrypto", crypto: globalThis.crypto });
  return engine;
}

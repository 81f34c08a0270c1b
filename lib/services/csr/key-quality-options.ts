// What the server adds to the named checks: OpenSSL's primality test for key.quality. A
// BigInt modular exponentiation over a 2048-bit modulus takes ~16 ms here (4096: ~95 ms);
// OpenSSL's one Miller–Rabin round ~1.6 ms (~13 ms). One round suffices: an RSA modulus is
// composite and a prime always passes, so a false "prime" only ever refuses a key.
import { checkPrimeSync } from "node:crypto";
import type { CheckOptions } from "@/lib/policy/checks";

export const SERVER_CHECK_OPTIONS: CheckOptions = {
  isProbablePrime: (n) => checkPrimeSync(n, { checks: 1 }),
};

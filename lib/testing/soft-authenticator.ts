// A software WebAuthn authenticator for service tests: a P-256 key pair, "none" attestation and
// ES256 assertions built as WebAuthn L2 §6.1 and §6.5 lay them out (CBOR from @simplewebauthn's
// own helpers), with a signature counter the test can set (to prove a cloned authenticator is refused).
import { createHash, createSign, generateKeyPairSync, randomBytes } from "node:crypto";
import { isoBase64URL, isoCBOR } from "@simplewebauthn/server/helpers";

const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest();
const b64u = (b: Uint8Array) => isoBase64URL.fromBuffer(new Uint8Array(b));

export type SoftAuthenticator = ReturnType<typeof softAuthenticator>;

export function softAuthenticator(opts: { rpId: string; origin: string }) {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = publicKey.export({ format: "jwk" });
  const credentialId = randomBytes(16);
  let counter = 0;
  const clientData = (type: string, challenge: string) => Buffer.from(JSON.stringify({ type, challenge, origin: opts.origin, crossOrigin: false }));
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  return {
    credentialId: b64u(credentialId),
    setCounter(n: number) {
      counter = n;
    },
    /** navigator.credentials.create()'s answer, as @simplewebauthn/browser's startRegistration returns it. */
    register(challenge: string) {
      const cose = new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, isoBase64URL.toBuffer(jwk.x!)],
        [-3, isoBase64URL.toBuffer(jwk.y!)],
      ]);
      const len = Buffer.alloc(2);
      len.writeUInt16BE(credentialId.length);
      const authData = Buffer.concat([sha256(opts.rpId), Buffer.from([0x45]), u32(counter), Buffer.alloc(16), len, credentialId, Buffer.from(isoCBOR.encode(cose))]);
      const attestationObject = isoCBOR.encode(new Map<string, unknown>([["fmt", "none"], ["attStmt", new Map()], ["authData", new Uint8Array(authData)]]) as never);
      return JSON.stringify({
        id: b64u(credentialId),
        rawId: b64u(credentialId),
        type: "public-key",
        response: { clientDataJSON: b64u(clientData("webauthn.create", challenge)), attestationObject: b64u(attestationObject), transports: ["internal"] },
        clientExtensionResults: {},
      });
    },
    /** navigator.credentials.get()'s answer; each one moves the counter on by one. */
    assert(challenge: string) {
      counter += 1;
      const cdj = clientData("webauthn.get", challenge);
      const authData = Buffer.concat([sha256(opts.rpId), Buffer.from([0x05]), u32(counter)]);
      const signature = createSign("sha256").update(Buffer.concat([authData, sha256(cdj)])).sign(privateKey);
      return JSON.stringify({
        id: b64u(credentialId),
        rawId: b64u(credentialId),
        type: "public-key",
        response: { clientDataJSON: b64u(cdj), authenticatorData: b64u(authData), signature: b64u(signature) },
        clientExtensionResults: {},
      });
    },
  };
}

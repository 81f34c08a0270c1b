import { generateKeyPairSync } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestHierarchy, issueTestLeaf, type TestHierarchy } from "../interop/test-ca";
import { generateNodeKeyPair, type NodeKeyPair } from "../interop/node-signer";
import { PkiError } from "../cert/errors";
import { buildKeyAndChainPkcs12, buildTruststorePkcs12 } from "./build-pkcs12";
import { webCryptoEngine } from "./engine";
import { privateKeyMatchesCertificate } from "./key-match";
import { assertPkcs12Password } from "./password";
import { hostileRsaPkcs8 } from "../csr/fixtures/hostile-csr";

const hex = (b: Uint8Array | ArrayBuffer) => Buffer.from(b instanceof ArrayBuffer ? new Uint8Array(b) : b).toString("hex");
const pw = (s: string) => new TextEncoder().encode(s).buffer as ArrayBuffer;

let h: TestHierarchy;
let rsaKey: NodeKeyPair;
let ecKey: NodeKeyPair;
let rsaLeaf: Uint8Array;
let ecLeaf: Uint8Array;

const leafFor = (key: NodeKeyPair) => issueTestLeaf(h, key, "partner-client");

beforeAll(async () => {
  [h, rsaKey, ecKey] = await Promise.all([createTestHierarchy("ecdsa-p256"), generateNodeKeyPair("rsa-2048"), generateNodeKeyPair("ecdsa-p384")]);
  [rsaLeaf, ecLeaf] = await Promise.all([leafFor(rsaKey), leafFor(ecKey)]);
});

/** Opens a PKCS#12 with pkijs: checks the MAC and decrypts every SafeContents. */
async function openPfx(der: Uint8Array, password: string) {
  const crypto = webCryptoEngine();
  const pfx = pkijs.PFX.fromBER(der.slice().buffer);
  await pfx.parseInternalValues({ password: pw(password), checkIntegrity: true }, crypto);
  const safe = pfx.parsedValue!.authenticatedSafe!;
  await safe.parseInternalValues({ safeContents: safe.safeContents.map(() => ({ password: pw(password) })) }, crypto);
  return { pfx, contents: safe.parsedValue.safeContents as { privacyMode: number; value: pkijs.SafeContents }[] };
}

describe("PKCS#12 passwords", () => {
  it.each(["pässword", "пароль", "pass\u00a0word", "emoji🔑", "tab\there", "new\nline", ""])("rejects %j", (p) => {
    expect(() => assertPkcs12Password(p)).toThrow(PkiError);
  });

  it("explains why", () => {
    expect(() => assertPkcs12Password("pässword")).toThrow(/printable ASCII.*"ä".*keytool/);
  });

  it.each(["changeit", "s3cret pass!", "~!@#$%^&*()_+{}|:<>?`-=[]\\;',./\""])("accepts %j", (p) => {
    expect(() => assertPkcs12Password(p)).not.toThrow();
  });

  it("is enforced by both builders", async () => {
    await expect(buildTruststorePkcs12({ certificatesDer: [h.root.cert.der], password: "grüezi" })).rejects.toMatchObject({ code: "invalid_password" });
    await expect(buildKeyAndChainPkcs12({ privateKeyPkcs8Der: rsaKey.pkcs8Der, certificateDer: rsaLeaf, chainDer: [], password: "grüezi" })).rejects.toMatchObject({
      code: "invalid_password",
    });
  });
});

describe("truststore", () => {
  it("holds only cert bags, each with a friendlyName and the Java trusted-usage attribute, encrypted with PBES2/AES-256 and MACed with HMAC-SHA-256", async () => {
    const der = await buildTruststorePkcs12({ certificatesDer: [h.root.cert.der, h.issuing.cert.der], password: "changeit" });
    const { pfx, contents } = await openPfx(der, "changeit");
    expect(pfx.macData?.mac.digestAlgorithm.algorithmId).toBe("2.16.840.1.101.3.4.2.1");
    expect(pfx.macData?.iterations).toBe(10_000);
    // Fresh parse: pkijs consumes schema objects while reading them.
    const authSafe = pkijs.AuthenticatedSafe.fromBER((pkijs.PFX.fromBER(der.slice().buffer).authSafe.content as asn1js.OctetString).getValue());
    const encrypted = authSafe.safeContents[0];
    expect(encrypted.contentType).toBe("1.2.840.113549.1.7.6");
    const eci = new pkijs.EncryptedData({ schema: encrypted.content }).encryptedContentInfo;
    expect(eci.contentEncryptionAlgorithm.algorithmId).toBe("1.2.840.113549.1.5.13"); // PBES2
    const pbes2 = new pkijs.PBES2Params({ schema: eci.contentEncryptionAlgorithm.algorithmParams });
    expect(pbes2.encryptionScheme.algorithmId).toBe("2.16.840.1.101.3.4.1.42"); // aes256-CBC
    const pbkdf2 = new pkijs.PBKDF2Params({ schema: pbes2.keyDerivationFunc.algorithmParams });
    expect(pbkdf2.iterationCount).toBe(10_000);
    expect(pbkdf2.prf?.algorithmId).toBe("1.2.840.113549.2.9"); // hmacWithSHA256

    const bags = contents.flatMap((c) => c.value.safeBags);
    expect(bags.map((b) => b.bagId)).toEqual(["1.2.840.113549.1.12.10.1.3", "1.2.840.113549.1.12.10.1.3"]);
    const aliases = bags.map((b) => (b.bagAttributes!.find((a) => a.type === "1.2.840.113549.1.9.20")!.values[0] as asn1js.BmpString).valueBlock.value);
    expect(aliases).toEqual(["keyport test root ecdsa-p256", "keyport test issuing ecdsa-p256"]);
    for (const bag of bags) {
      const trusted = bag.bagAttributes!.find((a) => a.type === "2.16.840.1.113894.746875.1.1")!;
      expect((trusted.values[0] as asn1js.ObjectIdentifier).valueBlock.toString()).toBe("2.5.29.37.0");
    }
    const certs = bags.map((b) => hex(((b.bagValue as pkijs.CertBag).certValue as asn1js.OctetString).valueBlock.valueHexView));
    expect(certs).toEqual([hex(h.root.cert.der), hex(h.issuing.cert.der)]);
  });

  it("makes aliases unique", async () => {
    const der = await buildTruststorePkcs12({ certificatesDer: [h.root.cert.der, h.issuing.cert.der], password: "changeit", aliases: ["CA", "ca"] });
    const { contents } = await openPfx(der, "changeit");
    const aliases = contents[0].value.safeBags.map((b) => (b.bagAttributes![0].values[0] as asn1js.BmpString).valueBlock.value);
    expect(aliases).toEqual(["ca", "ca-2"]);
  });

  it("fails the MAC with the wrong password", async () => {
    const der = await buildTruststorePkcs12({ certificatesDer: [h.root.cert.der], password: "changeit" });
    await expect(openPfx(der, "wrong")).rejects.toThrow(/Integrity/);
  });
});

describe("key + chain", () => {
  it("holds the PKCS#8 key (shrouded, PBES2 ≥ 100,000 iterations) with friendlyName and localKeyId shared with the leaf", async () => {
    const der = await buildKeyAndChainPkcs12({ privateKeyPkcs8Der: rsaKey.pkcs8Der, certificateDer: rsaLeaf, chainDer: [h.issuing.cert.der, h.root.cert.der], password: "s3cret pass!" });
    const { pfx, contents } = await openPfx(der, "s3cret pass!");
    expect(pfx.macData?.iterations).toBeGreaterThanOrEqual(100_000);
    expect(contents.map((c) => c.privacyMode)).toEqual([1, 0]);
    const [certs, keys] = contents.map((c) => c.value.safeBags);
    expect(certs.map((b) => hex(((b.bagValue as pkijs.CertBag).certValue as asn1js.OctetString).valueBlock.valueHexView))).toEqual([rsaLeaf, h.issuing.cert.der, h.root.cert.der].map(hex));
    expect(keys.map((b) => b.bagId)).toEqual(["1.2.840.113549.1.12.10.1.2"]);
    const keyBag = keys[0].bagValue as pkijs.PKCS8ShroudedKeyBag;
    const pbes2 = new pkijs.PBES2Params({ schema: keyBag.encryptionAlgorithm.algorithmParams });
    expect(new pkijs.PBKDF2Params({ schema: pbes2.keyDerivationFunc.algorithmParams }).iterationCount).toBeGreaterThanOrEqual(100_000);
    expect(pbes2.encryptionScheme.algorithmId).toBe("2.16.840.1.101.3.4.1.42");
    const decrypted = await new pkijs.EncryptedData({
      encryptedContentInfo: new pkijs.EncryptedContentInfo({ contentEncryptionAlgorithm: keyBag.encryptionAlgorithm, encryptedContent: keyBag.encryptedData }),
    }).decrypt({ password: pw("s3cret pass!") }, webCryptoEngine());
    expect(hex(decrypted)).toBe(hex(rsaKey.pkcs8Der));

    const attr = (bag: pkijs.SafeBag, type: string) => bag.bagAttributes?.find((a) => a.type === type)?.values[0];
    const keyId = hex((attr(keys[0], "1.2.840.113549.1.9.21") as asn1js.OctetString).valueBlock.valueHexView);
    expect(hex((attr(certs[0], "1.2.840.113549.1.9.21") as asn1js.OctetString).valueBlock.valueHexView)).toBe(keyId);
    expect((attr(keys[0], "1.2.840.113549.1.9.20") as asn1js.BmpString).valueBlock.value).toBe("partner-client");
    expect((attr(certs[0], "1.2.840.113549.1.9.20") as asn1js.BmpString).valueBlock.value).toBe("partner-client");
    expect(certs[1].bagAttributes ?? []).toHaveLength(0);
  });

  it("refuses a key that does not belong to the certificate", async () => {
    await expect(buildKeyAndChainPkcs12({ privateKeyPkcs8Der: rsaKey.pkcs8Der, certificateDer: ecLeaf, chainDer: [], password: "x" })).rejects.toMatchObject({ code: "key_mismatch" });
  });

  it("refuses fewer than 100,000 iterations", async () => {
    await expect(buildKeyAndChainPkcs12({ privateKeyPkcs8Der: ecKey.pkcs8Der, certificateDer: ecLeaf, chainDer: [], password: "x", iterations: 2048 })).rejects.toThrow(/100000/);
  });
});

describe("privateKeyMatchesCertificate", () => {
  it("matches RSA and EC keys to their certificates and nothing else", async () => {
    expect(await privateKeyMatchesCertificate(rsaKey.pkcs8Der, rsaLeaf)).toBe(true);
    expect(await privateKeyMatchesCertificate(ecKey.pkcs8Der, ecLeaf)).toBe(true);
    expect(await privateKeyMatchesCertificate(rsaKey.pkcs8Der, ecLeaf)).toBe(false);
    expect(await privateKeyMatchesCertificate(ecKey.pkcs8Der, rsaLeaf)).toBe(false);
    const otherRsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "der", type: "pkcs8" });
    const otherEc = generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey.export({ format: "der", type: "pkcs8" });
    const otherCurve = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "der", type: "pkcs8" });
    expect(await privateKeyMatchesCertificate(new Uint8Array(otherRsa), rsaLeaf)).toBe(false);
    expect(await privateKeyMatchesCertificate(new Uint8Array(otherEc), ecLeaf)).toBe(false);
    expect(await privateKeyMatchesCertificate(new Uint8Array(otherCurve), ecLeaf)).toBe(false);
  });

  it("refuses an RSA private key over the size limits instead of comparing it", async () => {
    await expect(privateKeyMatchesCertificate(hostileRsaPkcs8(16384), rsaLeaf)).rejects.toThrow(/Unsupported RSA private key: the RSA modulus has 16384 bits; Keyport reads RSA keys up to 8192 bits/);
  });

  it("derives the EC public key when the PKCS#8 does not carry it", async () => {
    // Rebuild the ECPrivateKey without its optional [1] publicKey.
    const pki = pkijs.PrivateKeyInfo.fromBER(ecKey.pkcs8Der.slice().buffer);
    const ecPrivate = asn1js.fromBER(pki.privateKey.valueBlock.valueHexView).result as asn1js.Sequence;
    const stripped = new asn1js.Sequence({ value: ecPrivate.valueBlock.value.filter((v) => !(v.idBlock.tagClass === 3 && v.idBlock.tagNumber === 1)) });
    const pkcs8 = new asn1js.Sequence({
      value: [new asn1js.Integer({ value: 0 }), pki.privateKeyAlgorithm.toSchema(), new asn1js.OctetString({ valueHex: stripped.toBER(false) })],
    }).toBER(false);
    expect(new Uint8Array(pkcs8).length).toBeLessThan(ecKey.pkcs8Der.length);
    expect(await privateKeyMatchesCertificate(new Uint8Array(pkcs8), ecLeaf)).toBe(true);
    expect(await privateKeyMatchesCertificate(new Uint8Array(pkcs8), rsaLeaf)).toBe(false);
  });

  it("refuses other key algorithms", async () => {
    const ed = generateKeyPairSync("ed25519").privateKey.export({ format: "der", type: "pkcs8" });
    await expect(privateKeyMatchesCertificate(new Uint8Array(ed), ecLeaf)).rejects.toThrow(/only RSA and EC/);
  });
});

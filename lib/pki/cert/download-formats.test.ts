import { X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestHierarchy, issueTestLeaf, type TestHierarchy } from "../interop/test-ca";
import { generateNodeKeyPair } from "../interop/node-signer";
import { pemDecodeAll } from "../pem";
import { readPkcs7Certificates } from "../pkcs7/certs-only";
import { caChainToPkcs7, chainToPem, renderDownload } from "./download-formats";

let h: TestHierarchy;
let leaf: Uint8Array;
const subjects = (pem: string) => pemDecodeAll(pem).map((b) => new X509Certificate(b.der).subject.split("\n").at(-1));

beforeAll(async () => {
  h = await createTestHierarchy("ecdsa-p256");
  const key = await generateNodeKeyPair("ecdsa-p256");
  leaf = await issueTestLeaf(h, key, "leaf");
});

describe("download formats", () => {
  it("PEM chain in both orders", () => {
    const chain = [leaf, h.issuing.cert.der, h.root.cert.der];
    expect(subjects(chainToPem(chain))).toEqual(["CN=leaf", "CN=Keyport Test Issuing ecdsa-p256", "CN=Keyport Test Root ecdsa-p256"]);
    expect(subjects(chainToPem(chain, "root-first"))).toEqual(["CN=Keyport Test Root ecdsa-p256", "CN=Keyport Test Issuing ecdsa-p256", "CN=leaf"]);
  });

  it("refuses a chain in the wrong order", () => {
    expect(() => chainToPem([h.root.cert.der, h.issuing.cert.der])).toThrow(/not the issuer/);
  });

  it("renders every format", () => {
    const input = { leafDer: leaf, caChainDer: [h.issuing.cert.der, h.root.cert.der] };
    expect(renderDownload("leaf-pem", input)).toMatchObject({ contentType: "application/x-pem-file", extension: ".pem" });
    expect(renderDownload("leaf-der", input).body).toBe(leaf);
    expect(renderDownload("ca-der", input, { caIndex: 1 }).body).toBe(h.root.cert.der);
    expect(subjects(renderDownload("ca-chain-pem", input, { order: "root-first" }).body as string)).toHaveLength(2);
    const p7 = renderDownload("ca-chain-p7b", input);
    expect(p7.contentType).toBe("application/x-pkcs7-certificates");
    expect(readPkcs7Certificates(p7.body as Uint8Array).map((c) => Buffer.from(c).toString("hex"))).toEqual(input.caChainDer.map((c) => Buffer.from(c).toString("hex")));
    expect(caChainToPkcs7(input.caChainDer, "pem")).toMatch(/^-----BEGIN PKCS7-----/);
    expect(() => renderDownload("leaf-pem", { caChainDer: [] })).toThrow(/needs the certificate/);
  });
});

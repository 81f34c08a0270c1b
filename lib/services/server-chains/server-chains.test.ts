// Partner server CA chains through the services: upload (refused findings store nothing),
// endorsement by distinct officers, overlap on replacement, downloads read by real tools; and the
// provider client CA with a certificate issued from a gateway CSR.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI_ACTOR } from "@/lib/auth/actor";
import { disconnectDb, getDb } from "@/lib/db/client";
import { makeTestChain } from "@/lib/pki/chain/fixtures.test-helper";
import { pemEncode } from "@/lib/pki/pem";
import { makeWorld, opensslCsr } from "@/lib/testing/world";
import { createProviderClientCa } from "@/lib/services/provider/init-provider-client-ca";
import { downloadProviderKeyOnce, issueProviderCertificate, issueProviderCertificateWithKey, listProviderCertificates } from "@/lib/services/provider/issue-provider-certificate";
import { providerClientCaFile, providerClientCrl } from "@/lib/services/provider/provider-client-ca-file";
import { endorseServerChain, rejectServerChain } from "./decide-server-chain";
import { activeServerChainId, downloadServerChain, getServerChain, listServerChains } from "./read-server-chains";
import { uploadServerChain } from "./upload-server-chain";
import { revokeCertificate } from "@/lib/services/certificates/revoke-certificate";
import { GET as crlRoute } from "@/app/crl/[file]/route";
import { GET as caRoute } from "@/app/ca/[file]/route";
import { refused } from "@/lib/testing/refused";

afterAll(disconnectDb);

const counts = async () => {
  const db = getDb();
  return { chains: await db.partnerServerChain.count(), audit: await db.auditEvent.count(), approvals: await db.approval.count() };
};

describe("partner server CA chains", () => {
  it("refuses an upload with a failing finding, names it, and stores nothing", async () => {
    const w = await makeWorld();
    const c = await makeTestChain();
    const before = await counts();
    for (const chain of [c.serverPem + c.chainPem, pemEncode("CERTIFICATE", c.issuing), c.chainPem + c.serverKey.pem]) {
      const e = await refused(uploadServerChain(w.partnerA.actor, { environment: w.env.code, chain }), "validation_failed");
      expect((e.extra?.findings as { result: string }[]).some((f) => f.result === "fail")).toBe(true);
      expect(e.message.length).toBeGreaterThan(20);
    }
    await refused(uploadServerChain(w.officer1.actor, { environment: w.env.code, chain: c.chainPem }), "forbidden");
    expect(await counts()).toEqual(before);
  });

  it("is endorsed by the environment's number of distinct officers; a replacement overlaps until it is endorsed, then the old one is retired", async () => {
    const w = await makeWorld({ approvalsRequired: 2 });
    const c = await makeTestChain({ hosts: ["partner-a.test"] });
    const up = await uploadServerChain(w.partnerA.actor, { environment: w.env.code, chain: c.chainPem, server: c.serverPem, endpoint: "https://partner-a.test:8443" });
    expect(up.status).toBe("pending");
    await refused(uploadServerChain(w.partnerA.actor, { environment: w.env.code, chain: c.chainPem }), "conflict");
    await refused(getServerChain(w.partnerB.actor, up.id), "not_found");
    await refused(endorseServerChain(w.partnerA.actor, up.id), "forbidden");

    expect((await endorseServerChain(w.officer1.actor, up.id, { comment: "root fingerprint confirmed by phone" })).status).toBe("pending");
    await refused(endorseServerChain(w.officer1.actor, up.id), "conflict");
    const endorsed = await endorseServerChain(w.officer2.actor, up.id);
    expect(endorsed.status).toBe("endorsed");
    expect(endorsed.approvals.map((a) => a.email).sort()).toEqual([w.officer1.email, w.officer2.email].sort());
    expect(await activeServerChainId(w.partnerA.actor, w.env.code)).toBe(up.id);

    // Replacement: the old chain stays active while the new one waits.
    const next = await makeTestChain({ name: "Partner G2" });
    const up2 = await uploadServerChain(w.partnerA.actor, { environment: w.env.code, chain: next.chainPem });
    expect(await activeServerChainId(w.partnerA.actor, w.env.code)).toBe(up.id);
    await endorseServerChain(w.officer2.actor, up2.id);
    await endorseServerChain(w.officer1.actor, up2.id);
    expect(await activeServerChainId(w.partnerA.actor, w.env.code)).toBe(up2.id);
    expect((await getServerChain(w.officer1.actor, up.id)).status).toBe("retired");
    const events = await getDb().auditEvent.findMany({ where: { targetId: up2.id }, select: { action: true }, orderBy: [{ at: "asc" }, { seq: { sort: "asc", nulls: "last" } }] });
    expect(events.map((e) => e.action)).toEqual(["server_chain.submit", "server_chain.approve", "server_chain.approve", "server_chain.endorse"]);

    // A rejected one leaves the active chain in place; the partner sees the reason, not the officer's email.
    const third = await makeTestChain({ name: "Partner G3" });
    const up3 = await uploadServerChain(w.partnerA.actor, { environment: w.env.code, chain: third.chainPem });
    await rejectServerChain(w.officer1.actor, up3.id, { reason: "Root not announced by your security officer." });
    const seen = await getServerChain(w.partnerA.actor, up3.id);
    expect(seen.rejectionReason).toBe("Root not announced by your security officer.");
    expect(await activeServerChainId(w.partnerA.actor, w.env.code)).toBe(up2.id);
    expect((await listServerChains(w.partnerB.actor)).some((x) => x.organisation === w.orgA.code)).toBe(false);
  });

  it("downloads as PEM (openssl verify), PKCS#7 (openssl pkcs7) and a PKCS#12 truststore keytool lists as trusted entries", async () => {
    const w = await makeWorld();
    const c = await makeTestChain({ hosts: ["localhost"] });
    const up = await uploadServerChain(w.partnerA.actor, { environment: w.env.code, chain: c.chainPem });
    await endorseServerChain(w.officer1.actor, up.id);
    const dir = mkdtempSync(join(tmpdir(), "keyport-chain-dl-"));
    try {
      const pem = await downloadServerChain(w.gateway.actor, up.id, "pem");
      writeFileSync(join(dir, "chain.pem"), pem.body);
      writeFileSync(join(dir, "server.pem"), c.serverPem);
      expect(execFileSync("openssl", ["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", join(dir, "chain.pem"), join(dir, "server.pem")]).toString()).toContain("OK");
      const p7 = await downloadServerChain(w.officer1.actor, up.id, "p7b");
      writeFileSync(join(dir, "chain.p7b"), p7.body);
      expect(execFileSync("openssl", ["pkcs7", "-inform", "DER", "-in", join(dir, "chain.p7b"), "-print_certs", "-noout"]).toString().match(/subject=/g)).toHaveLength(2);
      await refused(downloadServerChain(w.partnerA.actor, up.id, "p12", { password: "short" }), "validation_failed");
      const p12 = await downloadServerChain(w.partnerA.actor, up.id, "p12", { password: "changeit-123" });
      writeFileSync(join(dir, "trust.p12"), p12.body);
      const list = execFileSync("keytool", ["-list", "-keystore", join(dir, "trust.p12"), "-storetype", "PKCS12", "-storepass", "changeit-123"]).toString();
      expect(list.match(/trustedCertEntry/g)).toHaveLength(2);
      await refused(downloadServerChain(w.partnerB.actor, up.id, "pem"), "not_found");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("provider client CA", () => {
  it("is its own CA: it signs the provider's client certificates from a gateway CSR, and partners' certificates do not chain to it", async () => {
    const w = await makeWorld();
    await refused(createProviderClientCa(w.officer1.actor, { envCode: w.env.code }), "forbidden");
    const ca = await createProviderClientCa(CLI_ACTOR, { envCode: w.env.code });
    await refused(createProviderClientCa(CLI_ACTOR, { envCode: w.env.code }), "conflict");
    expect(ca.subject).toContain("Provider Client CA");
    const gw = opensslCsr("/CN=provider-egress/O=Provider");
    await refused(issueProviderCertificate(w.partnerA.actor, { environment: w.env.code, csr: gw.csr }), "forbidden");
    await refused(issueProviderCertificate(w.admin.actor, { environment: w.env.code, csr: opensslCsr("/CN=weak", { key: "rsa1024" }).csr }), "validation_failed");
    const issued = await issueProviderCertificate(w.admin.actor, { environment: w.env.code, csr: gw.csr });
    if (issued.status !== "issued") throw new Error("one approval: issued at once");
    const [listed] = await listProviderCertificates(w.officer1.actor, w.env.code);
    expect(listed.id).toBe(issued.id);
    const dir = mkdtempSync(join(tmpdir(), "keyport-provider-"));
    try {
      writeFileSync(join(dir, "ca.pem"), (await providerClientCaFile(w.env.code, "pem")).body);
      writeFileSync(join(dir, "leaf.pem"), pemEncode("CERTIFICATE", listed.der));
      expect(execFileSync("openssl", ["verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", join(dir, "ca.pem"), join(dir, "leaf.pem")]).toString()).toContain("OK");
      writeFileSync(join(dir, "crl.der"), (await providerClientCrl(w.env.code)).der);
      execFileSync("openssl", ["crl", "-inform", "DER", "-in", join(dir, "crl.der"), "-CAfile", join(dir, "ca.pem"), "-noout"]);
      // Revocation: the provider client CA's CRL lists it at once, and openssl refuses it with the CRL.
      await revokeCertificate(w.officer1.actor, issued.id, { reason: "keyCompromise" });
      const crl = await providerClientCrl(w.env.code);
      expect(crl.entries).toBe(1);
      writeFileSync(join(dir, "crl.pem"), pemEncode("X509 CRL", new Uint8Array(crl.der)));
      const revoked = spawnSync("openssl", ["verify", "-crl_check", "-CRLfile", join(dir, "crl.pem"), "-CAfile", join(dir, "ca.pem"), join(dir, "leaf.pem")]);
      expect(revoked.status).not.toBe(0);
      expect(revoked.stdout.toString() + revoked.stderr.toString()).toContain("certificate revoked");
      // Published where the certificate's CRL distribution point says.
      const res = await crlRoute(new Request(`http://localhost/crl/${w.env.code}-provider-client.crl`), { params: Promise.resolve({ file: `${w.env.code}-provider-client.crl` }) });
      expect(res.status).toBe(200);
      const caRes = await caRoute(new Request(`http://localhost/ca/${w.env.code}-provider-client.cer`), { params: Promise.resolve({ file: `${w.env.code}-provider-client.cer` }) });
      expect(Buffer.from(await caRes.arrayBuffer()).equals(Buffer.from((await providerClientCaFile(w.env.code, "der")).body as Uint8Array))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("generates and seals a key when the gateway cannot make a CSR; an admin downloads it once as PKCS#12 (openssl reads it), then it is gone", async () => {
    const w = await makeWorld();
    await createProviderClientCa(CLI_ACTOR, { envCode: w.env.code });
    const issued = await issueProviderCertificateWithKey(w.officer1.actor, { environment: w.env.code, commonName: "provider-egress-2" });
    if (issued.status !== "issued") throw new Error("one approval: issued at once");
    await refused(downloadProviderKeyOnce(w.officer1.actor, issued.id, { password: "changeit-123" }), "forbidden");
    await refused(downloadProviderKeyOnce(w.admin.actor, issued.id, { password: "short" }), "validation_failed");
    const file = await downloadProviderKeyOnce(w.admin.actor, issued.id, { password: "changeit-123" });
    const dir = mkdtempSync(join(tmpdir(), "keyport-provider-key-"));
    try {
      writeFileSync(join(dir, "k.p12"), file.body);
      const info = execFileSync("openssl", ["pkcs12", "-in", join(dir, "k.p12"), "-passin", "pass:changeit-123", "-nodes"]).toString();
      expect(info).toContain("PRIVATE KEY");
      expect(info).toContain("subject=O = Keyport, CN = provider-egress-2");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const e = await refused(downloadProviderKeyOnce(w.admin.actor, issued.id, { password: "changeit-123" }), "conflict");
    expect(e.message).toMatch(/cannot be downloaded again/);
  });
});

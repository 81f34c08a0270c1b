// The provider's CSR signed by the partner's CA (issue 17, item 3): an admin creates it, the partner
// signs it with its own CA (the real openssl x509 -req) and uploads the certificate; every refusal
// is named and stores nothing; the accepted one becomes the provider's active certificate towards
// that partner, replaces the previous one, and a Keyport-made key leaves once as PKCS#12.
import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { makeTestChain, opensslSignCsr } from "@/lib/pki/chain/fixtures.test-helper";
import { makeWorld, opensslCsr } from "@/lib/testing/world";
import { getOrgExchange } from "@/lib/services/exchange/get-exchange";
import { endorseServerChain } from "@/lib/services/server-chains/decide-server-chain";
import { uploadServerChain } from "@/lib/services/server-chains/upload-server-chain";
import { cancelProviderCsr, createProviderCsr } from "./create-provider-csr";
import { downloadProviderCsrKeyOnce } from "./download-provider-csr-key";
import { getProviderCsr, listProviderCsrs, providerCsrFile } from "./read-provider-csrs";
import { uploadSignedCertificate } from "./upload-signed-certificate";
import { refused } from "@/lib/testing/refused";

afterAll(disconnectDb);


async function endorsedPartner(w: Awaited<ReturnType<typeof makeWorld>>) {
  const c = await makeTestChain({ name: "Acme" });
  const up = await uploadServerChain(w.partnerA.actor, { environment: w.env.code, chain: c.chainPem });
  await endorseServerChain(w.officer1.actor, up.id);
  return c;
}

describe("provider CSR signed by the partner's CA", () => {
  it("refuses a wrong key, a wrong subject, a certificate that does not chain, no clientAuth, too short a validity and a pasted private key — naming each, storing nothing", async () => {
    const w = await makeWorld();
    const c = await endorsedPartner(w);
    const ca = { certDer: c.issuing, key: c.issuingKey };

    await refused(createProviderCsr(w.partnerA.actor, { environment: w.env.code, organisation: w.orgA.code, commonName: "x" }), "forbidden");
    await refused(createProviderCsr(w.officer1.actor, { environment: w.env.code, organisation: w.orgA.code, commonName: "x" }), "forbidden");
    const neither = await refused(createProviderCsr(w.admin.actor, { environment: w.env.code, organisation: w.orgA.code }), "validation_failed");
    expect(neither.fields?.commonName).toMatch(/CN/);
    await refused(createProviderCsr(w.admin.actor, { environment: w.env.code, organisation: "no-such-org", commonName: "x" }), "validation_failed");
    await refused(createProviderCsr(w.admin.actor, { environment: w.env.code, organisation: w.orgA.code, csr: opensslCsr("/CN=weak", { key: "rsa1024" }).csr }), "validation_failed");

    const csr = await createProviderCsr(w.admin.actor, { environment: w.env.code, organisation: w.orgA.code, commonName: "provider-egress-acme" });
    expect(csr.status).toBe("awaiting_certificate");
    expect(csr.subject).toBe("O=Keyport, CN=provider-egress-acme");
    expect(csr.keySource).toBe("keyport");
    await refused(createProviderCsr(w.admin.actor, { environment: w.env.code, organisation: w.orgA.code, commonName: "again" }), "conflict");
    await refused(getProviderCsr(w.partnerB.actor, csr.id), "not_found");
    expect((await listProviderCsrs(w.partnerB.actor)).some((x) => x.id === csr.id)).toBe(false);
    expect((await getOrgExchange(w.partnerA.actor, w.env.code)).items.find((i) => i.kind === "provider-csr-signed")).toMatchObject({ state: "pending", next: "partner" });

    const file = await providerCsrFile(w.partnerA.actor, csr.id);
    const dir = mkdtempSync(join(tmpdir(), "keyport-pcsr-"));
    try {
      writeFileSync(join(dir, "r.csr"), file.body);
      expect(execFileSync("openssl", ["req", "-in", join(dir, "r.csr"), "-verify", "-noout", "-subject"], { stdio: "pipe" }).toString()).toContain("CN = provider-egress-acme");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const other = await makeTestChain({ name: "Elsewhere" });
    const otherPub = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" }) as string;
    const cases: [string, string][] = [
      ["signed.key", opensslSignCsr(file.body, ca, { forcePubkeyPem: otherPub })],
      ["signed.subject", opensslSignCsr(file.body, ca, { subj: "/O=Keyport/CN=someone-else" })],
      ["signed.chain", opensslSignCsr(file.body, { certDer: other.issuing, key: other.issuingKey })],
      ["signed.eku", opensslSignCsr(file.body, ca, { eku: "serverAuth" })],
      ["signed.eku", opensslSignCsr(file.body, ca, { eku: "none" })],
      ["signed.validity", opensslSignCsr(file.body, ca, { days: 10 })],
      ["input.private-key", opensslSignCsr(file.body, ca) + c.issuingKey.pem],
      ["signed.extra", opensslSignCsr(file.body, ca) + (await import("@/lib/pki/pem")).pemEncode("CERTIFICATE", other.issuing)],
    ];
    const before = { audit: await getDb().auditEvent.count({ where: { targetId: csr.id } }), rows: await getDb().providerCsr.count() };
    for (const [code, pem] of cases) {
      const e = await refused(uploadSignedCertificate(w.partnerA.actor, csr.id, { certificate: pem }), "validation_failed");
      const findings = e.extra?.findings as { code: string; result: string; message: string }[];
      expect(findings.filter((f) => f.result === "fail").map((f) => f.code), code).toContain(code);
      expect(e.message.length).toBeGreaterThan(20);
    }
    await refused(uploadSignedCertificate(w.officer1.actor, csr.id, { certificate: opensslSignCsr(file.body, ca) }), "forbidden");
    await refused(uploadSignedCertificate(w.partnerB.actor, csr.id, { certificate: opensslSignCsr(file.body, ca) }), "not_found");
    expect((await getProviderCsr(w.admin.actor, csr.id)).status).toBe("awaiting_certificate");
    expect({ audit: await getDb().auditEvent.count({ where: { targetId: csr.id } }), rows: await getDb().providerCsr.count() }).toEqual(before);

    // The key is not downloadable before the partner's certificate is accepted.
    await refused(downloadProviderCsrKeyOnce(w.admin.actor, csr.id, { password: "changeit-123" }), "conflict");

    // Accepted: active, tracked expiry, the exchange item says so, audit and event written.
    const signed = await uploadSignedCertificate(w.partnerA.actor, csr.id, { certificate: opensslSignCsr(file.body, ca, { days: 200 }) });
    expect(signed.status).toBe("active");
    expect(signed.certificate?.issuer).toBe("CN=Acme Server CA,O=Acme");
    expect(Math.round((signed.certificate!.notAfter!.getTime() - Date.now()) / 86_400_000)).toBe(200);
    await refused(uploadSignedCertificate(w.partnerA.actor, csr.id, { certificate: opensslSignCsr(file.body, ca) }), "conflict");
    expect((await getOrgExchange(w.partnerA.actor, w.env.code)).items.find((i) => i.kind === "provider-csr-signed")).toMatchObject({ state: "active", next: null });
    const events = await getDb().auditEvent.findMany({ where: { targetId: csr.id }, select: { action: true }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["provider_csr.create", "provider_csr.download", "provider_csr.sign"]);
    expect(await getDb().notificationEvent.count({ where: { subjectId: csr.id, type: { in: ["provider_csr.created", "provider_csr.signed"] } } })).toBe(2);

    // The Keyport-made key leaves once, with the partner-signed certificate (openssl reads it), then is gone.
    await refused(downloadProviderCsrKeyOnce(w.officer1.actor, csr.id, { password: "changeit-123" }), "forbidden");
    const p12 = await downloadProviderCsrKeyOnce(w.admin.actor, csr.id, { password: "changeit-123" });
    const d2 = mkdtempSync(join(tmpdir(), "keyport-pcsr-"));
    try {
      writeFileSync(join(d2, "k.p12"), p12.body);
      const info = execFileSync("openssl", ["pkcs12", "-in", join(d2, "k.p12"), "-passin", "pass:changeit-123", "-nodes"]).toString();
      expect(info).toContain("PRIVATE KEY");
      expect(info).toContain("issuer=O = Acme, CN = Acme Server CA");
    } finally {
      rmSync(d2, { recursive: true, force: true });
    }
    expect((await refused(downloadProviderCsrKeyOnce(w.admin.actor, csr.id, { password: "changeit-123" }), "conflict")).message).toMatch(/cannot be downloaded again/);
  });

  it("takes a CSR made on the gateway; needs the partner's endorsed chain; a new certificate retires the previous one; a waiting CSR can be cancelled", async () => {
    const w = await makeWorld();
    const gw = opensslCsr("/C=NO/O=Provider AS/CN=provider-egress");
    const csr = await createProviderCsr(w.admin.actor, { environment: w.env.code, organisation: w.orgA.code, csr: gw.csr });
    expect(csr.keySource).toBe("gateway");
    expect(csr.subject).toBe("C=NO, O=Provider AS, CN=provider-egress");
    const c = await makeTestChain({ name: "Acme" });
    const ca = { certDer: c.issuing, key: c.issuingKey };
    // No endorsed chain yet: nothing to check the certificate against.
    const up = await uploadServerChain(w.partnerA.actor, { environment: w.env.code, chain: c.chainPem });
    expect((await refused(uploadSignedCertificate(w.partnerA.actor, csr.id, { certificate: opensslSignCsr(csr.csrPem, ca) }), "conflict")).message).toMatch(/no endorsed server CA chain/);
    await endorseServerChain(w.officer1.actor, up.id);
    const first = await uploadSignedCertificate(w.partnerA.actor, csr.id, { certificate: opensslSignCsr(csr.csrPem, ca) });
    expect(first.status).toBe("active");
    await refused(downloadProviderCsrKeyOnce(w.admin.actor, csr.id, { password: "changeit-123" }), "conflict");

    const renewal = await createProviderCsr(w.admin.actor, { environment: w.env.code, organisation: w.orgA.code, commonName: "provider-egress-2" });
    expect((await getOrgExchange(w.partnerA.actor, w.env.code)).items.find((i) => i.kind === "provider-csr-signed")?.step).toMatch(/stays in use/);
    await uploadSignedCertificate(w.partnerA.actor, renewal.id, { certificate: opensslSignCsr(renewal.csrPem, ca) });
    expect((await getProviderCsr(w.admin.actor, csr.id)).status).toBe("retired");

    const third = await createProviderCsr(w.admin.actor, { environment: w.env.code, organisation: w.orgA.code, commonName: "mistake" });
    await refused(cancelProviderCsr(w.partnerA.actor, third.id), "forbidden");
    expect((await cancelProviderCsr(w.admin.actor, third.id)).status).toBe("cancelled");
    await refused(cancelProviderCsr(w.admin.actor, third.id), "conflict");
    await refused(uploadSignedCertificate(w.partnerA.actor, third.id, { certificate: opensslSignCsr(third.csrPem, ca) }), "conflict");
  });
});

// Dual control for the provider's own client certificates (issue 17, item 2): the environment's
// number of distinct people — the one who asks, then officers who did not ask, each once — before a
// provider client certificate is issued; nothing is issued before, and a rejection issues nothing.
import { afterAll, describe, expect, it } from "vitest";
import { CLI_ACTOR } from "@/lib/auth/actor";
import { disconnectDb, getDb } from "@/lib/db/client";
import { makeUser, makeWorld, opensslCsr } from "@/lib/testing/world";
import { createProviderClientCa } from "./init-provider-client-ca";
import { approveProviderCertificateRequest, issueProviderCertificate, issueProviderCertificateWithKey, listProviderCertificates, listProviderCertificateRequests, rejectProviderCertificateRequest } from "./issue-provider-certificate";
import { refused } from "@/lib/testing/refused";

afterAll(disconnectDb);


describe("provider client certificates under dual control", () => {
  it("waits for the environment's number of distinct officers; the one who asked counts once and never approves", async () => {
    const w = await makeWorld({ approvalsRequired: 3, production: true });
    const officer3 = await makeUser("officer");
    await createProviderClientCa(CLI_ACTOR, { envCode: w.env.code });
    const asked = await issueProviderCertificate(w.officer1.actor, { environment: w.env.code, csr: opensslCsr("/O=Provider/CN=provider-egress").csr });
    if (asked.status !== "pending") throw new Error("three officers required: it must wait");
    expect(asked).toMatchObject({ approvals: 1, approvalsRequired: 3, subject: "O=Provider, CN=provider-egress" });
    expect(await listProviderCertificates(w.officer1.actor, w.env.code)).toEqual([]);

    await refused(approveProviderCertificateRequest(w.officer1.actor, asked.requestId), "forbidden");
    await refused(approveProviderCertificateRequest(w.admin.actor, asked.requestId), "forbidden");
    await refused(approveProviderCertificateRequest(w.partnerA.actor, asked.requestId), "forbidden");
    expect(await approveProviderCertificateRequest(w.officer2.actor, asked.requestId, { comment: "fingerprint confirmed" })).toMatchObject({ status: "pending", approvals: 2 });
    await refused(approveProviderCertificateRequest(w.officer2.actor, asked.requestId), "conflict");
    expect(await listProviderCertificates(w.officer1.actor, w.env.code)).toEqual([]);
    const issued = await approveProviderCertificateRequest(officer3.actor, asked.requestId);
    expect(issued.status).toBe("issued");
    await refused(approveProviderCertificateRequest(officer3.actor, asked.requestId), "conflict");
    const [cert] = await listProviderCertificates(w.officer1.actor, w.env.code);
    expect(issued.status === "issued" && cert.id === issued.id).toBe(true);
    const [listed] = await listProviderCertificateRequests(w.admin.actor, w.env.code);
    expect(listed).toMatchObject({ status: "issued", approvals: 3, certificateId: cert.id });
    const audit = await getDb().auditEvent.findMany({ where: { targetId: asked.requestId }, select: { action: true }, orderBy: { seq: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["provider_certificate.request", "provider_certificate.approve", "provider_certificate.approve"]);
  });

  it("a Keyport-generated key waits too; a rejection issues nothing", async () => {
    const w = await makeWorld({ approvalsRequired: 2 });
    await createProviderClientCa(CLI_ACTOR, { envCode: w.env.code });
    const asked = await issueProviderCertificateWithKey(w.admin.actor, { environment: w.env.code, commonName: "provider-spare" });
    if (asked.status !== "pending") throw new Error("two officers required: it must wait");
    const before = await getDb().providerKey.count();
    await refused(rejectProviderCertificateRequest(w.officer1.actor, asked.requestId, {}), "validation_failed");
    await rejectProviderCertificateRequest(w.officer1.actor, asked.requestId, { reason: "Wrong CN." });
    await refused(approveProviderCertificateRequest(w.officer2.actor, asked.requestId), "conflict");
    expect(await getDb().providerKey.count()).toBe(before);
    const again = await issueProviderCertificateWithKey(w.admin.actor, { environment: w.env.code, commonName: "provider-spare" });
    if (again.status !== "pending") throw new Error("must wait");
    const issued = await approveProviderCertificateRequest(w.officer2.actor, again.requestId);
    expect(issued.status).toBe("issued");
    expect(issued.subject).toContain("CN=provider-spare");
    expect(await getDb().providerKey.count()).toBe(before + 1);
  });
});

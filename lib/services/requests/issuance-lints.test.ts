// The signing pipeline's lint stage seen from the approval service: a failing lint refuses the
// approval by name and stores nothing (no certificate, no approval, no audit row); the request
// stays pending, so it can still be rejected. Officers see the same lints on the review first.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { makeWorld, opensslCsr } from "@/lib/testing/world";
import { submitCertificateRequest } from "./submit-request";
import { approveCertificateRequest, rejectCertificateRequest } from "./decide-request";
import { getRequestReview } from "@/lib/services/review/review-request";

afterAll(disconnectDb);
const originalUrl = process.env.KEYPORT_PUBLIC_URL;
afterEach(() => {
  if (originalUrl === undefined) delete process.env.KEYPORT_PUBLIC_URL;
  else process.env.KEYPORT_PUBLIC_URL = originalUrl;
});

describe("pre-issuance lints at approval", () => {
  it("shows the draft's lints on the review; a failing lint refuses the approval by name and stores nothing", async () => {
    const w = await makeWorld();
    const { id } = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr(`/CN=${w.orgA.code}-lints`).csr });
    const good = await getRequestReview(w.officer1.actor, id);
    expect(good.draftLints?.length).toBeGreaterThan(10);
    expect(good.draftLints!.every((l) => l.result === "pass")).toBe(true);

    // A CRL URL relying parties cannot fetch: the template is built with it, lint.urls.http-ascii stops it.
    process.env.KEYPORT_PUBLIC_URL = "ldap://keyport.example";
    const bad = await getRequestReview(w.officer1.actor, id);
    expect(bad.draftLints!.filter((l) => l.result === "fail").map((l) => l.name)).toEqual(["lint.urls.http-ascii"]);

    const counts = async () => ({
      certificates: await getDb().certificate.count({ where: { requestId: id } }),
      approvals: await getDb().approval.count({ where: { certificateRequestId: id } }),
      audit: await getDb().auditEvent.count({ where: { targetId: id } }),
    });
    const before = await counts();
    const e = await approveCertificateRequest(w.officer1.actor, id).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe("validation_failed");
    expect((e as AppError).message).toMatch(/lint\.urls\.http-ascii.*Nothing was signed or stored/);
    expect(await counts()).toEqual(before);
    expect((await getDb().certificateRequest.findUniqueOrThrow({ where: { id } })).status).toBe("pending");

    // Not stuck: the officer can reject it, or approve once the cause is fixed.
    delete process.env.KEYPORT_PUBLIC_URL;
    if (originalUrl !== undefined) process.env.KEYPORT_PUBLIC_URL = originalUrl;
    expect((await approveCertificateRequest(w.officer1.actor, id)).status).toBe("issued");
    const other = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr(`/CN=${w.orgA.code}-lints-2`).csr });
    process.env.KEYPORT_PUBLIC_URL = "ldap://keyport.example";
    await approveCertificateRequest(w.officer1.actor, other.id).catch(() => null);
    expect((await rejectCertificateRequest(w.officer1.actor, other.id, { reason: "CRL URL misconfigured" })).status).toBe("rejected");
  });
});

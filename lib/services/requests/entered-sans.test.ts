// SANs typed at submission (issue 15 item 5): checked by the CSR SAN rules, stored apart from the
// CSR's, shown to officers apart, allowed or forbidden per profile, and written into the certificate.
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { makeWorld, opensslCsr } from "@/lib/testing/world";
import { DEFAULT_PROFILE } from "@/lib/policy/profile";
import { parseCertificateInfo } from "@/lib/pki/cert/certificate-info";
import { createProfile } from "@/lib/services/profiles/manage-profiles";
import { submitCertificateRequest } from "./submit-request";
import { approveCertificateRequest } from "./decide-request";
import { getRequestReview } from "@/lib/services/review/review-request";

afterAll(disconnectDb);

async function refusal(p: Promise<unknown>): Promise<AppError & { extra: { checks: { code: string; result: string; message: string }[] } }> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(AppError);
  return e as never;
}

describe("SANs entered at submission", () => {
  it("are normalised, stored apart from the CSR's, shown apart to officers and written into the certificate", async () => {
    const w = await makeWorld();
    const { csr } = opensslCsr(`/CN=${w.orgA.code}-entered`, { sans: "DNS:csr.partner.example" });
    const submitted = await submitCertificateRequest(w.partnerA.actor, {
      environment: w.env.code,
      csr,
      sans: { dns: [" API.Partner.example ", "api.partner.example"], ip: ["192.0.2.10", "2001:DB8:0:0:0:0:0:1"] },
    });
    expect(submitted.checks.find((c) => c.code === "san.entered")).toMatchObject({ result: "pass" });
    const row = await getDb().certificateRequest.findUniqueOrThrow({ where: { id: submitted.id } });
    expect(row.enteredDnsSans).toEqual(["api.partner.example"]);
    expect(row.enteredIpSans).toEqual(["192.0.2.10", "2001:db8::1"]);

    const review = await getRequestReview(w.officer1.actor, submitted.id);
    expect(review.csr!.sans).toEqual([{ type: "dns", value: "csr.partner.example" }]);
    expect(review.request.enteredSans).toEqual({ dns: ["api.partner.example"], ip: ["192.0.2.10", "2001:db8::1"] });

    const approved = await approveCertificateRequest(w.officer1.actor, submitted.id);
    expect(approved.status).toBe("issued");
    const cert = await getDb().certificate.findUniqueOrThrow({ where: { id: approved.certificateId! } });
    const info = await parseCertificateInfo(new Uint8Array(cert.der));
    expect(info.sans).toEqual({ dns: ["csr.partner.example", "api.partner.example"], ip: ["192.0.2.10", "2001:db8::1"] });
  });

  it("refuses bad names with the SAN rules' words, and any entered SAN where the profile forbids them; nothing is stored", async () => {
    const w = await makeWorld();
    const before = await getDb().certificateRequest.count();
    const bad = await refusal(
      submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr(`/CN=${w.orgA.code}-bad`).csr, sans: { dns: ["bad_name.example"], ip: ["10.0.0.300"] } }),
    );
    expect(bad.code).toBe("validation_failed");
    const check = bad.extra.checks.find((c) => c.code === "san.entered")!;
    expect(check.result).toBe("fail");
    expect(check.message).toMatch(/bad_name\.example.*letters, digits and hyphens/);
    expect(check.message).toMatch(/10\.0\.0\.300/);

    const code = `no-entered-${w.env.code.toLowerCase()}`;
    await createProfile(w.admin.actor, { ...DEFAULT_PROFILE, code, name: "No entered SANs", environments: [w.env.code], enteredSans: "forbid" });
    const forbidden = await refusal(
      submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, profile: code, csr: opensslCsr(`/CN=${w.orgA.code}-forbid`).csr, sans: { dns: ["api.partner.example"] } }),
    );
    expect(forbidden.extra.checks.find((c) => c.code === "san.entered")!.message).toMatch(/takes no subject alternative names entered at submission; you entered DNS:api\.partner\.example/);
    expect(await getDb().certificateRequest.count()).toBe(before);
    // Without entered SANs the same profile accepts the request.
    const ok = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, profile: code, csr: opensslCsr(`/CN=${w.orgA.code}-forbid-ok`).csr });
    expect(ok.status).toBe("pending");
  });
});

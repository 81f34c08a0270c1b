// Officer read models: the review queue, one request's review (CSR, key reuse,
// history, renewal diff) and allowlist reviews with cross-organisation overlaps.
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { submitCertificateRequest } from "@/lib/services/requests/submit-request";
import { approveCertificateRequest } from "@/lib/services/requests/decide-request";
import { approveAllowlistRequest, submitAllowlistRequest } from "@/lib/services/allowlist/allowlist-requests";
import { countPendingReviews, listReviewQueue } from "@/lib/services/review/review-queue";
import { getRequestReview, reviewNotices, subjectAttributes } from "@/lib/services/review/review-request";
import { getAllowlistReview, listAllowlistReviews, listAllowlistReviewsPage } from "@/lib/services/review/review-allowlist";
import { getCertificateDetails } from "@/lib/services/certificates/certificate-details";
import { makeWorld, opensslCsr } from "@/lib/testing/world";

afterAll(disconnectDb);

async function rejects(p: Promise<unknown>, code: string) {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  expect((e as AppError).code).toBe(code);
}

describe("review queue", () => {
  it("lists pending certificate and allowlist requests oldest first, filtered by environment, organisation, type and age", async () => {
    const w = await makeWorld({ approvalsRequired: 2 });
    const first = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr(`/CN=${w.orgA.code}-q1`).csr });
    const allow = await submitAllowlistRequest(w.partnerB.actor, { environment: w.env.code, entries: ["203.0.113.7"] });
    const second = await submitCertificateRequest(w.partnerB.actor, { environment: w.env.code, csr: opensslCsr(`/CN=${w.orgB.code}-q2`).csr });
    await approveCertificateRequest(w.officer1.actor, first.id);

    const all = await listReviewQueue(w.officer1.actor, { environment: w.env.code });
    expect(all.items.map((i) => i.id)).toEqual([first.id, allow.id, second.id]);
    expect(all.items[0]).toMatchObject({ type: "certificate", approvals: 1, approvalsRequired: 2, approvedBy: [w.officer1.id], failures: 0 });
    expect(all.items[1]).toMatchObject({ type: "allowlist", summary: "Add 203.0.113.7/32", organisation: w.orgB.code });

    expect((await listReviewQueue(w.officer1.actor, { environment: w.env.code, type: "allowlist" })).items.map((i) => i.id)).toEqual([allow.id]);
    expect((await listReviewQueue(w.officer1.actor, { environment: w.env.code, organisation: w.orgB.code })).items.map((i) => i.id)).toEqual([allow.id, second.id]);
    expect((await listReviewQueue(w.officer1.actor, { environment: w.env.code, olderThanDays: "1" })).items).toEqual([]);
    expect((await listReviewQueue(w.officer1.actor, { environment: w.env.code, olderThanDays: "" })).items).toHaveLength(3);
    await rejects(listReviewQueue(w.officer1.actor, { olderThanDays: "soon" }), "validation_failed");
    await rejects(listReviewQueue(w.officer1.actor, { type: "bogus" as "all" }), "validation_failed");

    const counts = await countPendingReviews(w.officer2.actor);
    expect(counts.certificate).toBeGreaterThanOrEqual(2);
    expect(counts.allowlist).toBeGreaterThanOrEqual(1);
    expect(counts.total).toBe(counts.certificate + counts.allowlist);
    // Partners and admins have no queue.
    await rejects(listReviewQueue(w.partnerA.actor), "forbidden");
    await rejects(listReviewQueue(w.admin.actor), "forbidden");
  });
});

describe("request review", () => {
  it("shows the parsed CSR, key reuse elsewhere, the organisation's history and a renewal's field-by-field difference", async () => {
    const w = await makeWorld();
    const original = opensslCsr(`/C=NO/O=Acme/CN=${w.orgA.code}-client`, { sans: "DNS:a.example" });
    const { id } = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: original.csr });
    const issued = await approveCertificateRequest(w.officer1.actor, id);
    const certId = issued.certificateId!;

    const renewalCsr = opensslCsr(`/C=NO/O=Acme/CN=${w.orgA.code}-client2`, { key: "rsa2048", sans: "DNS:a.example,IP:192.0.2.1" });
    const renewal = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: renewalCsr.csr, renews: certId });
    const review = await getRequestReview(w.officer2.actor, renewal.id);
    expect(review.csr).toMatchObject({ subjectString: `C=NO, O=Acme, CN=${w.orgA.code}-client2`, signatureValid: true, key: { type: "rsa", bits: 2048 } });
    expect(review.csr!.subject.map((a) => [a.name, a.valueType])).toEqual([
      // As the certificate will carry them: rebuilt, PrintableString where the alphabet allows (RFC 5280 §4.1.2.4).
      ["C", "printableString"],
      ["O", "printableString"],
      ["CN", "printableString"],
    ]);
    expect(review.csr!.sans).toEqual([
      { type: "dns", value: "a.example" },
      { type: "ip", value: "192.0.2.1" },
    ]);
    expect(review.keyReuse).toEqual([]);
    expect(review.history.requests.map((r) => r.id)).toEqual([id]);
    expect(review.history.certificates.map((c) => c.id)).toEqual([certId]);
    expect(review.renewal?.certificateId).toBe(certId);
    const diff = Object.fromEntries(review.renewal!.diff.map((d) => [d.field, d]));
    expect(diff["Subject"]).toMatchObject({ changed: true, before: `C=NO, O=Acme, CN=${w.orgA.code}-client`, after: `C=NO, O=Acme, CN=${w.orgA.code}-client2` });
    expect(diff["Subject alternative names"]).toMatchObject({ changed: true, before: "DNS:a.example", after: "DNS:a.example, IP:192.0.2.1" });
    expect(diff["Key type"]).toMatchObject({ changed: true, before: "ECDSA P-256", after: "RSA 2048" });
    expect(diff["Profile"]).toMatchObject({ changed: false, before: "mtls-client" });
    expect(diff["Extended key usage"]).toMatchObject({ changed: false, before: "clientAuth" });
    expect(diff["Validity"]).toMatchObject({ changed: false, after: "397 days from issuance" });

    // Neither request lists itself or its own certificate as reuse (the same key elsewhere is refused at submission).
    expect((await getRequestReview(w.officer2.actor, id)).keyReuse).toEqual([]);

    const details = await getCertificateDetails(w.officer1.actor, certId);
    expect(details.info.sans.dns).toEqual(["a.example"]);
    expect(details.info.extendedKeyUsage).toEqual(["clientAuth"]);

    await rejects(getRequestReview(w.partnerA.actor, id), "forbidden");
    await rejects(getRequestReview(w.officer1.actor, "00000000-0000-4000-8000-000000000000"), "not_found");
  });

  it("compares subjects attribute by attribute, whatever the order and separators", () => {
    expect(subjectAttributes("C=NO, O=Acme\\, Inc, CN=x")).toEqual(["C=NO", "CN=x", "O=Acme\\, Inc"]);
    expect(subjectAttributes("CN=x,O=Acme\\, Inc,C=NO")).toEqual(subjectAttributes("C=NO, O=Acme\\, Inc, CN=x"));
  });
});

describe("allowlist review", () => {
  it("names overlaps with other organisations' approved entries and lists the organisation's current entries", async () => {
    const w = await makeWorld();
    const b = await submitAllowlistRequest(w.partnerB.actor, { environment: w.env.code, entries: ["198.51.100.0/24"] });
    await approveAllowlistRequest(w.officer1.actor, b.id);
    const a = await submitAllowlistRequest(w.partnerA.actor, { environment: w.env.code, entries: ["198.51.100.10", "203.0.113.0/28"] });
    const review = await getAllowlistReview(w.officer2.actor, a.id);
    expect(review.overlaps).toEqual([{ cidr: "198.51.100.10/32", overlaps: "198.51.100.0/24", organisation: w.orgB.code }]);
    expect(review.current).toEqual([]);
    expect((await getAllowlistReview(w.officer2.actor, b.id)).current.map((e) => e.cidr)).toEqual(["198.51.100.0/24"]);
    const pending = await listAllowlistReviews(w.officer2.actor, { environment: w.env.code });
    expect(pending.map((p) => p.request.id)).toEqual([a.id]);
    // With a window, the request decided a moment ago is listed too (oldest first).
    const recent = await listAllowlistReviews(w.officer2.actor, { environment: w.env.code, recentMinutes: 60 });
    expect(recent.map((p) => [p.request.id, p.request.status])).toEqual([
      [b.id, "approved"],
      [a.id, "pending"],
    ]);
    await rejects(getAllowlistReview(w.partnerA.actor, a.id), "forbidden");
  });

  it("pages the pending requests forward and back; those decided recently are on the first page only, however it is reached", async () => {
    const w = await makeWorld();
    const decided = await submitAllowlistRequest(w.partnerB.actor, { environment: w.env.code, entries: ["198.51.100.0/24"] });
    await approveAllowlistRequest(w.officer1.actor, decided.id);
    const pending = [];
    for (const ip of ["203.0.113.1", "203.0.113.2", "203.0.113.3"]) pending.push((await submitAllowlistRequest(w.partnerA.actor, { environment: w.env.code, entries: [ip] })).id);
    const ids = (p: { reviews: { request: { id: string } }[] }) => p.reviews.map((r) => r.request.id);
    const one = await listAllowlistReviewsPage(w.officer1.actor, { environment: w.env.code, recentMinutes: 60, limit: 2 });
    expect(ids(one)).toEqual([decided.id, pending[0], pending[1]]);
    expect(one.prevCursor).toBeNull();
    const two = await listAllowlistReviewsPage(w.officer1.actor, { environment: w.env.code, recentMinutes: 60, limit: 2, cursor: one.nextCursor! });
    expect(ids(two)).toEqual([pending[2]]);
    expect(two.nextCursor).toBeNull();
    const back = await listAllowlistReviewsPage(w.officer1.actor, { environment: w.env.code, recentMinutes: 60, limit: 2, before: two.prevCursor! });
    // Back to the first page by its cursor: it is the first page, so the decided one is there again.
    expect(ids(back)).toEqual([decided.id, pending[0], pending[1]]);
    expect(back.prevCursor).toBeNull();
    await rejects(listAllowlistReviewsPage(w.officer1.actor, { environment: w.env.code, cursor: "not-a-cursor" }), "validation_failed");
    await rejects(listAllowlistReviewsPage(w.partnerA.actor, { environment: w.env.code }), "forbidden");
  });
});

describe("review notices", () => {
  it("flags another organisation's name, wildcard and local names, and special-purpose addresses", () => {
    const notices = reviewNotices(
      {
        subject: [
          { name: "CN", value: "client" },
          { name: "O", value: "Other Bank ASA" },
        ],
        sans: [
          { type: "dns", value: "*.google.com" },
          { type: "dns", value: "api.acme.example" },
          { type: "dns", value: "intranet" },
          { type: "ip", value: "10.0.0.1" },
          { type: "ip", value: "127.0.0.1" },
          { type: "ip", value: "8.8.8.8" },
        ],
      },
      { legalName: "Acme Payments AS", production: true },
    );
    expect(notices).toEqual([
      'The subject\'s O "Other Bank ASA" is not this organisation\'s legal name ("Acme Payments AS"). Check that the partner may present itself under that name.',
      "DNS:*.google.com is a wildcard name: the certificate would be valid for every matching host.",
      "DNS:intranet is not a public domain name.",
      "IP:10.0.0.1 is in the private (RFC 1918) range 10.0.0.0/8, unusual in a production certificate.",
      "IP:127.0.0.1 is in the loopback (RFC 1122) range 127.0.0.0/8, unusual in a production certificate.",
    ]);
    // The organisation's own name (any case and spacing) is not flagged.
    expect(reviewNotices({ subject: [{ name: "O", value: "acme  payments as" }], sans: [] }, { legalName: "Acme Payments AS", production: false })).toEqual([]);
  });
});

// A finding about an uploaded chain: named, with a result and a message that says what to fix.
// The same shape as the CSR checks (lib/policy), so pages show both as one checklist.
export type ChainFinding = { code: string; result: "pass" | "warn" | "fail"; message: string };

export const hasFailure = (findings: readonly ChainFinding[]) => findings.some((f) => f.result === "fail");

/** One message for an error: the failure when there is one, else how many and which. */
export function summariseFailures(findings: readonly ChainFinding[]): string {
  const failed = findings.filter((f) => f.result === "fail");
  if (failed.length === 1) return failed[0].message;
  return `The upload fails ${failed.length} checks: ${failed.map((f) => f.message).join(" ")}`;
}

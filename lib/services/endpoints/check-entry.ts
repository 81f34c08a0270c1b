import { AppError } from "@/lib/errors";
import { judgeEntries } from "@/lib/net/cidr";
import { checkEndpointUrl, specialHost } from "@/lib/net/endpoint-url";

type EnvRule = { production: boolean; allowPrivateEndpoints: boolean };
export type EntryFinding = { code: string; result: "warn"; message: string };

/** A production environment refuses loopback, private, link-local and documentation space unless it allows private endpoints. */
export const strictEndpoints = (env: EnvRule) => env.production && !env.allowPrivateEndpoints;

/** Why the probe may not connect to an address in this environment (same rule as registration), or null. */
export const addressProblemFor = (env: EnvRule) => (address: string) => (strictEndpoints(env) ? specialHost(address) : null);

const isUrlKind = (kind: string) => kind === "callback_url" || kind === "ingress_url";

/**
 * Check one registry entry and return its canonical form (a re-serialised URL or a canonical CIDR)
 * and its warnings; an error refuses it with a message naming the rule (field `value`).
 */
export function checkEntry(kind: string, raw: string, env: EnvRule, existing: { value: string }[]): { value: string; findings: EntryFinding[] } {
  const strict = strictEndpoints(env);
  if (isUrlKind(kind)) {
    const c = checkEndpointUrl(raw, { strict });
    const error = c.issues.find((i) => i.severity === "error");
    if (error || !c.url) throw new AppError("validation_failed", error?.message ?? "Not a URL.", { value: error?.message ?? "Not a URL." });
    if (existing.some((e) => e.value === c.url)) throw new AppError("conflict", `${c.url} is already registered for this environment.`, { value: "Already registered." });
    return { value: c.url, findings: c.issues.map((i) => ({ code: `url.${i.code}`, result: "warn", message: i.message })) };
  }
  const [judged] = judgeEntries([raw], { production: strict, existing: existing.map((e) => ({ cidr: e.value })) });
  const error = judged.issues.find((i) => i.severity === "error");
  if (error || !judged.cidr) {
    const message = error?.message ?? "Not an IP address or CIDR range.";
    throw new AppError(error?.code === "duplicate" ? "conflict" : "validation_failed", message, { value: message });
  }
  return { value: judged.cidr, findings: judged.issues.map((i) => ({ code: `cidr.${i.code}`, result: "warn", message: i.message })) };
}

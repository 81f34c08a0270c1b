"use client";

import { useEffect, useState } from "react";
import { readCsr } from "@/lib/pki/csr/parse-csr";
import { MAX_CSR_INPUT_BYTES, findings } from "@/lib/pki/csr/findings";
import { type Check, runCsrChecks } from "@/lib/policy/checks";
import type { Profile } from "@/lib/policy/profile";

/** What the partner gave: pasted text, or the bytes of a binary (DER) file. */
export type CsrInput = { kind: "text"; text: string } | { kind: "file"; name: string; size: number; bytes: Uint8Array };

export type LiveResult =
  | { state: "empty" }
  | { state: "checking" }
  | {
      state: "done";
      checks: Check[];
      /** Set when the input is not a readable CSR (intake code, e.g. "private_key"). */
      intake: string | null;
      csr: { subject: string; key: string; signature: string; fingerprint: string; sans: string[] } | null;
    };

export function isEmptyInput(input: CsrInput): boolean {
  return input.kind === "text" ? input.text.trim() === "" : input.bytes.length === 0;
}

/**
 * The same checks the server runs (lib/pki + lib/policy), run in the browser as
 * the partner types, debounced. Key reuse needs the database: it is checked on submit.
 */
export function useLiveChecks(input: CsrInput, profile: Profile | null, ctx: { orgCode: string; orgName: string; envCode: string }, delay = 250): LiveResult {
  const [result, setResult] = useState<LiveResult>({ state: "empty" });
  const { orgCode, orgName, envCode } = ctx;
  useEffect(() => {
    let cancelled = false;
    if (isEmptyInput(input)) {
      const t = setTimeout(() => !cancelled && setResult({ state: "empty" }), 0);
      return () => {
        cancelled = true;
        clearTimeout(t);
      };
    }
    const t = setTimeout(async () => {
      if (cancelled) return;
      setResult({ state: "checking" });
      try {
        // A big file is read only in part: judge its size from the file itself.
        const read =
          input.kind === "file" && input.size > MAX_CSR_INPUT_BYTES
            ? ({ ok: false, finding: findings.tooLarge(input.size) } as const)
            : await readCsr(input.kind === "text" ? input.text : input.bytes);
        if (cancelled) return;
        if (!read.ok) {
          setResult({ state: "done", intake: read.finding.code, csr: null, checks: [{ code: `csr.${read.finding.code}`, result: "fail", message: read.finding.message }] });
          return;
        }
        const csr = read.csr;
        const checks = profile ? runCsrChecks(csr, profile, { orgCode, orgName, envCode }) : [];
        setResult({
          state: "done",
          intake: null,
          checks,
          csr: {
            subject: csr.certificateSubject.ok ? csr.certificateSubject.string : csr.subjectString,
            key: csr.key.label,
            signature: csr.signature.name,
            fingerprint: csr.publicKeyFingerprint,
            sans: csr.sans.map((s) => `${s.type.toUpperCase()}:${s.value}`),
          },
        });
      } catch (e) {
        if (!cancelled) {
          setResult({ state: "done", intake: "unreadable", csr: null, checks: [{ code: "csr.unreadable", result: "fail", message: `This input could not be read as a CSR (${(e as Error).message}).` }] });
        }
      }
    }, delay);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, [input, profile, orgCode, orgName, envCode, delay]);
  return result;
}

import type { ReactNode } from "react";
import { StatusBadge } from "@/components/ui/badge";

export type CheckItem = { code: string; result: "pass" | "warn" | "fail"; message: string };

/** The named checks as a checklist: failures first, then warnings, then passes. */
export function CheckList({ checks, label = "Checks", extra }: { checks: CheckItem[]; label?: string; extra?: ReactNode }) {
  const order = { fail: 0, warn: 1, pass: 2 } as const;
  const sorted = [...checks].sort((a, b) => order[a.result] - order[b.result]);
  return (
    <ul className="grid gap-2" aria-label={label}>
      {sorted.map((c) => (
        <li key={c.code} className="flex items-start gap-3 text-sm" data-check={c.code} data-result={c.result}>
          <span className="w-12 shrink-0">
            <StatusBadge status={c.result} />
          </span>
          <span className="min-w-0">
            <code className="text-xs text-slate-500">{c.code}</code>
            <span className="block break-words text-slate-800">{c.message}</span>
          </span>
        </li>
      ))}
      {extra}
    </ul>
  );
}

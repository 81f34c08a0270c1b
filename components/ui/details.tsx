import type { ReactNode } from "react";

/** Label/value pairs (a description list). */
export function DetailList({ items, label }: { items: [ReactNode, ReactNode][]; label?: string }) {
  return (
    <dl className="grid grid-cols-[minmax(8rem,max-content)_1fr] gap-x-4 gap-y-1.5 text-sm" aria-label={label}>
      {items.map(([k, v], i) => (
        <div key={i} className="contents">
          <dt className="text-slate-500">{k}</dt>
          <dd className="min-w-0 break-words text-slate-900">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A hex fingerprint or serial: monospace, breakable. */
export function Mono({ children }: { children: ReactNode }) {
  return <code className="break-all font-mono text-xs">{children}</code>;
}

/** A notice box. */
export function Notice({ tone = "info", children, testId }: { tone?: "info" | "warn" | "bad" | "good"; children: ReactNode; testId?: string }) {
  const cls = {
    info: "border-sky-200 bg-sky-50 text-sky-900",
    warn: "border-amber-300 bg-amber-50 text-amber-900",
    bad: "border-red-300 bg-red-50 text-red-900",
    good: "border-green-300 bg-green-50 text-green-900",
  }[tone];
  return (
    <div className={`rounded border p-3 text-sm ${cls}`} data-testid={testId}>
      {children}
    </div>
  );
}

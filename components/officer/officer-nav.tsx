"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

type Counts = { certificate: number; allowlist: number; total: number };

function Count({ n, label }: { n: number; label: string }) {
  return (
    <span
      aria-label={`${n} ${label}`}
      className={`ml-1.5 inline-flex min-w-5 justify-center rounded-full px-1.5 text-xs font-semibold ${n ? "bg-amber-500 text-white" : "bg-slate-200 text-slate-600"}`}
    >
      {n}
    </span>
  );
}

export function OfficerNav({ counts }: { counts: Counts }) {
  const path = usePathname();
  const items = [
    { href: "/officer", label: "Review queue", active: path === "/officer" || path.startsWith("/officer/requests"), count: counts.total, countLabel: "pending requests" },
    { href: "/officer/allowlist", label: "IP allowlist", active: path.startsWith("/officer/allowlist"), count: counts.allowlist, countLabel: "pending allowlist requests" },
    { href: "/officer/certificates", label: "Certificates", active: path.startsWith("/officer/certificates") },
    { href: "/officer/exchange", label: "Exchange", active: path.startsWith("/officer/exchange") },
    { href: "/officer/jws", label: "JWS keys", active: path.startsWith("/officer/jws") },
    { href: "/officer/audit", label: "Audit trail", active: path.startsWith("/officer/audit") },
  ];
  return (
    <nav aria-label="Officer" className="mb-6 flex flex-wrap gap-1 border-b border-slate-200" data-testid="officer-nav">
      {items.map((i) => (
        <Link
          key={i.href}
          href={i.href}
          aria-current={i.active ? "page" : undefined}
          className={`-mb-px flex items-center border-b-2 px-3 py-2 text-sm font-medium ${i.active ? "border-slate-900 text-slate-900" : "border-transparent text-slate-600 hover:text-slate-900"}`}
        >
          {i.label}
          {i.count !== undefined ? <Count n={i.count} label={i.countLabel!} /> : null}
        </Link>
      ))}
    </nav>
  );
}

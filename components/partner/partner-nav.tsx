"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export function PartnerNav() {
  const path = usePathname();
  const items = [
    { href: "/partner", label: "Overview", active: path === "/partner" },
    { href: "/partner/requests/new", label: "New certificate", active: path === "/partner/requests/new" },
    { href: "/partner/requests", label: "Requests", active: path.startsWith("/partner/requests") && path !== "/partner/requests/new" },
    { href: "/partner/certificates", label: "Certificates", active: path.startsWith("/partner/certificates") },
    { href: "/partner/allowlist", label: "IP allowlist", active: path.startsWith("/partner/allowlist") },
    { href: "/partner/exchange", label: "Exchange", active: path.startsWith("/partner/exchange") },
    { href: "/partner/jws", label: "JWS keys", active: path.startsWith("/partner/jws") },
    { href: "/partner/connectivity", label: "Test connectivity", active: path.startsWith("/partner/connectivity") },
    { href: "/partner/settings", label: "Settings", active: path.startsWith("/partner/settings") },
  ];
  return (
    <nav aria-label="Partner" className="mb-6 flex flex-wrap gap-1 border-b border-slate-200" data-testid="partner-nav">
      {items.map((i) => (
        <Link
          key={i.href}
          href={i.href}
          aria-current={i.active ? "page" : undefined}
          className={`-mb-px flex items-center border-b-2 px-3 py-2 text-sm font-medium ${i.active ? "border-slate-900 text-slate-900" : "border-transparent text-slate-600 hover:text-slate-900"}`}
        >
          {i.label}
        </Link>
      ))}
    </nav>
  );
}

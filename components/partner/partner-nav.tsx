"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** `submits`: the caller may submit (partner security officers); `manages`: users and tokens (partner admins). */
export function PartnerNav({ submits = true, manages = false }: { submits?: boolean; manages?: boolean }) {
  const path = usePathname();
  const all = [
    { href: "/partner", label: "Overview", active: path === "/partner" },
    { href: "/partner/requests/new", label: "New certificate", active: path === "/partner/requests/new" },
    { href: "/partner/requests", label: "Requests", active: path.startsWith("/partner/requests") && path !== "/partner/requests/new" },
    { href: "/partner/certificates", label: "Certificates", active: path.startsWith("/partner/certificates") },
    { href: "/partner/allowlist", label: "IP allowlist", active: path.startsWith("/partner/allowlist") },
    { href: "/partner/exchange", label: "Exchange", active: path.startsWith("/partner/exchange") },
    { href: "/partner/jws", label: "JWS keys", active: path.startsWith("/partner/jws") },
    { href: "/partner/connectivity", label: "Test connectivity", active: path.startsWith("/partner/connectivity") },
    { href: "/partner/settings", label: "Settings", active: path.startsWith("/partner/settings") },
    ...(manages
      ? [
          { href: "/partner/users", label: "Users", active: path.startsWith("/partner/users") },
          { href: "/partner/tokens", label: "API tokens", active: path.startsWith("/partner/tokens") },
        ]
      : []),
  ];
  const items = submits ? all : all.filter((i) => i.href !== "/partner/requests/new");
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

"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export function AdminNav() {
  const path = usePathname();
  const items = [
    { href: "/admin", label: "Accounts and environments", active: path === "/admin" },
    { href: "/admin/profiles", label: "Certificate profiles", active: path.startsWith("/admin/profiles") },
    { href: "/admin/exchange", label: "Exchange", active: path.startsWith("/admin/exchange") },
    { href: "/admin/jobs", label: "Background jobs", active: path.startsWith("/admin/jobs") },
    { href: "/admin/jws", label: "Provider JWS keys", active: path.startsWith("/admin/jws") },
    { href: "/admin/mail", label: "Mail and webhooks", active: path.startsWith("/admin/mail") },
  ];
  return (
    <nav aria-label="Administration" className="mb-6 flex flex-wrap gap-1 border-b border-slate-200" data-testid="admin-nav">
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

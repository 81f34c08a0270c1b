import type { Metadata } from "next";
import Link from "next/link";
import "./globals.css";
import { getWebActor } from "@/lib/auth/web-actor";
import { HOME_BY_ROLE } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Keyport", description: "Mutual TLS certificate exchange for providers and partners" };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const actor = await getWebActor();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900">
        <header className="border-b border-slate-200 bg-white">
          <div className="mx-auto flex max-w-6xl items-center justify-between px-6 py-3">
            <Link href="/" className="text-lg font-bold tracking-tight">
              Keyport
            </Link>
            {actor?.type === "user" ? (
              <nav className="flex items-center gap-4 text-sm" aria-label="Account">
                <Link href={HOME_BY_ROLE[actor.role]} className="hover:underline">
                  Home
                </Link>
                <span className="text-slate-600" data-testid="whoami">
                  {actor.email} · {actor.partnerRole?.replaceAll("_", " ") ?? actor.role}
                </span>
                <Link href="/signout" className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-100">
                  Sign out
                </Link>
              </nav>
            ) : (
              <Link href="/signin" className="text-sm hover:underline">
                Sign in
              </Link>
            )}
          </div>
        </header>
        <main className="mx-auto max-w-6xl px-6 py-8">{children}</main>
      </body>
    </html>
  );
}

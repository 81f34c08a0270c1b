import type { Metadata } from "next";
import Link from "next/link";
import "./globals.css";
import { getWebActor } from "@/lib/auth/web-actor";
import { HOME_BY_ROLE } from "@/lib/auth/permissions";
import { countMyUnread } from "@/lib/services/notifications/my-notifications";

export const metadata: Metadata = { title: "Keyport", description: "Mutual TLS certificate exchange for providers and partners" };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const actor = await getWebActor();
  // The bell: a failure to count must not take every page down.
  const unread = actor?.type === "user" ? await countMyUnread(actor).catch(() => null) : null;
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
                <Link href="/notifications" className="relative hover:underline" data-testid="bell" aria-label={`Notifications${unread ? `, ${unread} unread` : ""}`}>
                  <span aria-hidden="true">🔔</span>
                  {unread ? (
                    <span className="ml-1 rounded-full bg-red-600 px-1.5 py-0.5 text-xs font-semibold text-white" data-testid="unread-count">
                      {unread > 99 ? "99+" : unread}
                    </span>
                  ) : null}
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

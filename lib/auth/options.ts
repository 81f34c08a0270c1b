import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "@/lib/db/client";
import { dummyPasswordHash, verifyPassword } from "@/lib/auth/password";
import { clearAccount, isThrottled, recordFailure } from "@/lib/auth/throttle";
import { clientIpFrom } from "@/lib/auth/client-ip";
import { recordAudit } from "@/lib/audit/record-audit";
import type { Role } from "@/lib/auth/permissions";
import { findControlCharacter, printable } from "@/lib/control-characters";

export const SESSION_MAX_AGE_S = 8 * 60 * 60;

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
  pages: { signIn: "/signin", error: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      // Every failure returns null: the sign-in page shows one generic message.
      async authorize(credentials, req) {
        const typed = String(credentials?.email ?? "").trim().toLowerCase();
        const password = String(credentials?.password ?? "");
        if (!typed || !password || typed.length > 320 || password.length > 200) return null;
        // No account's email holds a control character; U+0000 could not even be looked up or
        // audited (PostgreSQL error 22021), so such an attempt is recorded with them escaped.
        const email = findControlCharacter(typed) ? printable(typed, 320) : typed;
        const headers = (req?.headers ?? {}) as Record<string, string | string[] | undefined>;
        const ip = clientIpFrom((name) => {
          const v = headers[name];
          return Array.isArray(v) ? v.join(",") : v;
        });
        if (await isThrottled(email, ip)) return null;
        const db = getDb();
        const user = await db.user.findUnique({ where: { email } });
        const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
        if (!user || !ok || user.disabled) {
          await recordFailure(email, ip);
          await db.$transaction((tx) =>
            recordAudit(tx, { type: "anonymous", ip }, {
              action: "auth.signin_failed",
              orgId: user?.orgId ?? null,
              details: { email, ip },
            }),
          );
          return null;
        }
        await clearAccount(email);
        await db.$transaction((tx) =>
          recordAudit(
            tx,
            { type: "user", userId: user.id, email: user.email, name: user.name, role: user.role, orgId: user.orgId, via: "web", ip },
            { action: "auth.signin", orgId: user.orgId, targetType: "user", targetId: user.id },
          ),
        );
        return { id: user.id, email: user.email, name: user.name, role: user.role, orgId: user.orgId };
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        const u = user as unknown as { id: string; role: Role; orgId: string | null };
        token.uid = u.id;
        token.role = u.role;
        token.orgId = u.orgId;
      }
      return token;
    },
    async session({ session, token }) {
      session.user = {
        ...session.user,
        id: token.uid as string,
        role: token.role as Role,
        orgId: (token.orgId as string | null) ?? null,
      };
      return session;
    },
  },
};

import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { clientIpFrom } from "@/lib/auth/client-ip";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { endSession, sessionMaxMinutes } from "@/lib/auth/sessions";
import type { Role } from "@/lib/auth/permissions";
import { signInWithPassword } from "@/lib/services/auth/sign-in";
import { getDb } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record-audit";

export const authOptions: NextAuthOptions = {
  // The JWT only points at a session row (token.sid); lib/auth/sessions.ts decides whether it is open.
  session: { strategy: "jwt", maxAge: sessionMaxMinutes() * 60 },
  pages: { signIn: "/signin", error: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" }, code: { label: "Authentication code", type: "text" } },
      // Every failure returns null: the sign-in page shows one generic message.
      async authorize(credentials, req) {
        const headers = (req?.headers ?? {}) as Record<string, string | string[] | undefined>;
        const ip = clientIpFrom((name) => {
          const v = headers[name];
          return Array.isArray(v) ? v.join(",") : v;
        });
        return signInWithPassword({ email: credentials?.email, password: credentials?.password, code: credentials?.code, ip });
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        const u = user as unknown as { id: string; role: Role; orgId: string | null; sessionId: string };
        token.uid = u.id;
        token.sid = u.sessionId;
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
    // Every redirect next-auth makes (its callbackUrl parameter and cookie included, which anyone
    // can forge) goes through safeCallbackPath: a same-origin path or the portal's home, never a throw.
    async redirect({ url, baseUrl }) {
      const path = safeCallbackPath(url, baseUrl);
      return `${baseUrl}${path ?? "/"}`;
    },
  },
  events: {
    // Sign-out ends the session row, so a copy of the cookie opens nothing afterwards.
    async signOut({ token }) {
      await getDb().$transaction(async (tx) => {
        const userId = await endSession(token?.sid, "signout", tx);
        const user = userId ? await tx.user.findUnique({ where: { id: userId } }) : null;
        if (!user) return;
        await recordAudit(
          tx,
          { type: "user", userId: user.id, email: user.email, name: user.name, role: user.role, orgId: user.orgId, via: "web", ip: null },
          { action: "auth.signout", orgId: user.orgId, targetType: "user", targetId: user.id, details: { session: token.sid } },
        );
      });
    },
  },
};

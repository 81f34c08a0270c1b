import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { clientIpFrom } from "@/lib/auth/client-ip";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { endSession, sessionMaxMinutes } from "@/lib/auth/sessions";
import type { Role } from "@/lib/auth/permissions";
import { signInWithPassword } from "@/lib/services/auth/sign-in";
import { getDb } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record-audit";
import { OIDC_PROVIDER_ID, oidcConfig, oidcProvider } from "@/lib/auth/oidc";
import { SIGNIN_CHALLENGE_COOKIE } from "@/lib/auth/webauthn";
import { signInWithOidc } from "@/lib/services/auth/sign-in-oidc";

const oidc = oidcConfig();

/** One cookie's value from a Cookie header (the passkey sign-in challenge's id). */
function cookieValue(header: string | string[] | undefined, name: string): string | null {
  const raw = Array.isArray(header) ? header.join("; ") : (header ?? "");
  for (const part of raw.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return null;
}

export const authOptions: NextAuthOptions = {
  // The JWT only points at a session row (token.sid); lib/auth/sessions.ts decides whether it is open.
  session: { strategy: "jwt", maxAge: sessionMaxMinutes() * 60 },
  pages: { signIn: "/signin", error: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
        code: { label: "Authentication code", type: "text" },
        passkey: { label: "Passkey answer", type: "text" },
      },
      // Every failure returns null: the sign-in page shows one generic message.
      async authorize(credentials, req) {
        const headers = (req?.headers ?? {}) as Record<string, string | string[] | undefined>;
        const ip = clientIpFrom((name) => {
          const v = headers[name];
          return Array.isArray(v) ? v.join(",") : v;
        });
        return signInWithPassword({
          email: credentials?.email,
          password: credentials?.password,
          code: credentials?.code,
          passkey: credentials?.passkey || undefined,
          passkeyChallengeId: cookieValue(headers.cookie, SIGNIN_CHALLENGE_COOKIE),
          ip,
        });
      },
    }),
    ...(oidc ? [oidcProvider(oidc)] : []),
  ],
  callbacks: {
    // SSO (lib/auth/oidc.ts): next-auth has checked the ID token; the mapping and the session row are
    // Keyport's. A refusal goes back to the sign-in page (AccessDenied), with the reason in the audit trail.
    async signIn({ user, account }) {
      if (account?.provider !== OIDC_PROVIDER_ID) return true;
      if (!oidc) return false;
      const claims = (user as unknown as { claims?: Record<string, unknown> }).claims ?? {};
      const signedIn = await signInWithOidc(oidc, claims);
      if (!signedIn) return false;
      // next-auth hands this same object to the jwt callback below.
      Object.assign(user, signedIn);
      return true;
    },
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

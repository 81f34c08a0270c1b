import type { Role } from "@/lib/auth/permissions";

declare module "next-auth" {
  interface Session {
    user: { id: string; email?: string | null; name?: string | null; role: Role; orgId: string | null };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    /** The session row (lib/auth/sessions.ts) this token stands for. */
    sid?: string;
    role?: Role;
    orgId?: string | null;
  }
}

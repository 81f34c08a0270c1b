import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { portalOrigin, safeCallbackPath } from "@/lib/auth/callback-url";
import { SignInForm } from "@/components/auth/signin-form";
import { getWebActor } from "@/lib/auth/web-actor";
import { HOME_BY_ROLE, areaForPath, granteeOf, roleHas } from "@/lib/auth/permissions";
import { oidcConfig } from "@/lib/auth/oidc";

export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const actor = await getWebActor();
  const raw = Array.isArray(params.callbackUrl) ? params.callbackUrl[0] : params.callbackUrl;
  // Only same-origin paths are followed after sign-in (no open redirect): lib/auth/callback-url.ts.
  const h = await headers();
  const callback = safeCallbackPath(raw, portalOrigin(`http://${h.get("host") ?? "localhost"}`));
  if (actor?.type === "user") {
    // A callback into another role's area (a partner following an officer's link) goes home instead of to a 403.
    const area = callback ? areaForPath(callback.split(/[?#]/)[0]) : null;
    redirect(callback && (!area || roleHas(granteeOf(actor), area)) ? callback : HOME_BY_ROLE[actor.role]);
  }
  const sso = oidcConfig();
  return (
    <div className="mx-auto max-w-sm py-10">
      <h1 className="mb-6 text-2xl font-bold">Sign in to Keyport</h1>
      <SignInForm next={callback ? `/signin?callbackUrl=${encodeURIComponent(callback)}` : "/"} sso={sso ? { name: sso.name } : null} failed={!!params.error} />
    </div>
  );
}

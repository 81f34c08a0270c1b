import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/signin-form";
import { getWebActor } from "@/lib/auth/web-actor";
import { HOME_BY_ROLE, areaForPath, roleHas } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

/** Only same-site paths are followed after sign-in (no open redirect). */
function safeCallback(raw: string | string[] | undefined): string | null {
  const v = Array.isArray(raw) ? raw[0] : raw;
  return v && v.startsWith("/") && !v.startsWith("//") && !v.startsWith("/\\") ? v : null;
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const actor = await getWebActor();
  const callback = safeCallback(params.callbackUrl);
  if (actor?.type === "user") {
    // A callback into another role's area (a partner following an officer's link) goes home instead of to a 403.
    const area = callback ? areaForPath(callback.split(/[?#]/)[0]) : null;
    redirect(callback && (!area || roleHas(actor.role, area)) ? callback : HOME_BY_ROLE[actor.role]);
  }
  return (
    <div className="mx-auto max-w-sm py-10">
      <h1 className="mb-6 text-2xl font-bold">Sign in to Keyport</h1>
      <SignInForm next={callback ? `/signin?callbackUrl=${encodeURIComponent(callback)}` : "/"} />
    </div>
  );
}

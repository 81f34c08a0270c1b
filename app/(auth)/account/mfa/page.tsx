import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { TotpEnrollment } from "@/components/auth/mfa-enrollment";
import { portalOrigin, safeCallbackPath } from "@/lib/auth/callback-url";
import { getWebActor } from "@/lib/auth/web-actor";
import { HOME_BY_ROLE } from "@/lib/auth/permissions";
import { getMfaStatus } from "@/lib/services/auth/mfa-enrollment";

export const dynamic = "force-dynamic";

/** Two-factor set-up for the signed-in user; provider staff without a second factor are sent here by requirePageActor. */
export default async function MfaPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await getWebActor();
  if (!actor || actor.type !== "user") redirect("/signin?callbackUrl=%2Faccount%2Fmfa");
  const raw = (await searchParams).callbackUrl;
  const h = await headers();
  const next = safeCallbackPath(Array.isArray(raw) ? raw[0] : raw, portalOrigin(`http://${h.get("host") ?? "localhost"}`)) ?? HOME_BY_ROLE[actor.role];
  const status = await getMfaStatus(actor);
  return (
    <div className="mx-auto grid max-w-md gap-4 py-10">
      <h1 className="text-2xl font-bold">Two-factor sign-in</h1>
      {status.totpEnabledAt ? (
        <p className="text-sm" data-testid="mfa-status">
          On since {status.totpEnabledAt.toISOString().slice(0, 10)}; {status.recoveryCodesLeft} recovery code(s) left. An admin can reset it if you lose your device.
        </p>
      ) : (
        <>
          {status.pending ? (
            <p role="alert" className="rounded border border-amber-300 bg-amber-50 p-3 text-sm">
              Your role requires a second factor. Set one up to continue.
            </p>
          ) : null}
          <TotpEnrollment next={next} />
        </>
      )}
    </div>
  );
}

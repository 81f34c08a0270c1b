import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { TotpEnrollment } from "@/components/auth/mfa-enrollment";
import { PasskeyEnrollment, RemovePasskey, StepUp } from "@/components/auth/passkeys";
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
  const enrolled = !!status.totpEnabledAt || status.passkeys.length > 0;
  return (
    <div className="mx-auto grid max-w-md gap-6 py-10">
      <h1 className="text-2xl font-bold">Two-factor sign-in</h1>
      {status.pending ? (
        <p role="alert" className="rounded border border-amber-300 bg-amber-50 p-3 text-sm">
          Your role requires a second factor. Set one up to continue: an authenticator app or a passkey.
        </p>
      ) : null}
      {enrolled ? (
        <section className="grid gap-2" aria-label="Verify it is you">
          <h2 className="text-lg font-semibold">Verify it is you</h2>
          <p className="text-sm" data-testid="step-up-status">
            {status.stepUpDue ? "Approving, revoking and CA or profile changes need a fresh check: verify your second factor." : "Verified recently: sensitive actions are open to you."}
          </p>
          <StepUp hasTotp={!!status.totpEnabledAt} hasPasskey={status.passkeys.length > 0} />
        </section>
      ) : null}
      <section className="grid gap-2" aria-label="Authenticator app">
        <h2 className="text-lg font-semibold">Authenticator app</h2>
        {status.totpEnabledAt ? (
          <p className="text-sm" data-testid="mfa-status">
            On since {status.totpEnabledAt.toISOString().slice(0, 10)}; {status.recoveryCodesLeft} recovery code(s) left. An admin can reset it if you lose your device.
          </p>
        ) : (
          <TotpEnrollment next={next} />
        )}
      </section>
      <section className="grid gap-2" aria-label="Passkeys">
        <h2 className="text-lg font-semibold">Passkeys</h2>
        {status.passkeys.length ? (
          <ul className="grid gap-1 text-sm" data-testid="passkeys">
            {status.passkeys.map((k) => (
              <li key={k.id} className="flex items-center justify-between gap-2">
                <span>
                  {k.name} · added {k.createdAt.toISOString().slice(0, 10)}
                  {k.lastUsedAt ? ` · last used ${k.lastUsedAt.toISOString().slice(0, 16).replace("T", " ")} UTC` : ""}
                </span>
                <RemovePasskey id={k.id} name={k.name} />
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-600">No passkeys yet.</p>
        )}
        <PasskeyEnrollment next={status.pending ? next : undefined} />
      </section>
    </div>
  );
}

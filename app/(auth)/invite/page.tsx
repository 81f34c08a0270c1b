import { AcceptInvitationForm } from "@/components/auth/accept-invitation-form";
import { readInvitation } from "@/lib/services/org-users/accept-invitation";

export const dynamic = "force-dynamic";

const ROLE_LABEL = { partner_admin: "partner admin", partner_security_officer: "partner security officer", viewer: "viewer" } as const;

// The token travels in the query string, which the request log leaves out (lib/server/keyport-server.ts).
export default async function InvitationPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).token;
  const token = (Array.isArray(raw) ? raw[0] : raw) ?? "";
  const invitation = await readInvitation(token);
  return (
    <div className="mx-auto max-w-sm py-10">
      <h1 className="mb-6 text-2xl font-bold">Join Keyport</h1>
      {invitation ? (
        <>
          <p className="mb-4 text-sm text-slate-700">
            You are invited to <strong>{invitation.organisation}</strong> as <strong>{ROLE_LABEL[invitation.partnerRole]}</strong>. Choose a password for{" "}
            <strong>{invitation.email}</strong>; then sign in.
          </p>
          <AcceptInvitationForm token={token} name={invitation.name} />
        </>
      ) : (
        <p role="alert" className="text-sm text-red-700">
          This invitation link is not valid any more: it was used, withdrawn or has expired. Ask your organisation&apos;s admin for a new one.
        </p>
      )}
    </div>
  );
}

import type { ReactNode } from "react";
import { PartnerNav } from "@/components/partner/partner-nav";
import { getWebActor } from "@/lib/auth/web-actor";
import { granteeOf, roleHas } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

// Layouts do not authorize (each page does); this one only adds the partner navigation.
export default async function PartnerLayout({ children }: { children: ReactNode }) {
  const actor = await getWebActor();
  if (!actor || actor.type !== "user" || !roleHas(granteeOf(actor), "area:partner")) return children;
  const grantee = granteeOf(actor);
  return (
    <>
      <PartnerNav submits={roleHas(grantee, "request:submit")} manages={roleHas(grantee, "org-user:list")} />
      {children}
    </>
  );
}

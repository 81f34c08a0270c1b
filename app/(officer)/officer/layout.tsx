import type { ReactNode } from "react";
import { OfficerNav } from "@/components/officer/officer-nav";
import { getWebActor } from "@/lib/auth/web-actor";
import { granteeOf, roleHas } from "@/lib/auth/permissions";
import { countPendingReviews } from "@/lib/services/review/review-queue";

export const dynamic = "force-dynamic";

// Layouts do not authorize (each page does); this one only adds the navigation
// with pending counts for officers.
export default async function OfficerLayout({ children }: { children: ReactNode }) {
  const actor = await getWebActor();
  if (!actor || actor.type !== "user" || !roleHas(granteeOf(actor), "area:officer")) return children;
  const counts = await countPendingReviews(actor);
  return (
    <>
      <OfficerNav counts={counts} />
      {children}
    </>
  );
}

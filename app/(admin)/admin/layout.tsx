import type { ReactNode } from "react";
import { AdminNav } from "@/components/admin/admin-nav";
import { getWebActor } from "@/lib/auth/web-actor";
import { granteeOf, roleHas } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

// Layouts do not authorize (each page does); this one only adds the navigation for admins.
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const actor = await getWebActor();
  if (!actor || actor.type !== "user" || !roleHas(granteeOf(actor), "area:admin")) return children;
  return (
    <>
      <AdminNav />
      {children}
    </>
  );
}

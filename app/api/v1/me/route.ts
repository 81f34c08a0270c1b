import { NextResponse } from "next/server";
import { apiRoute, withApi } from "@/lib/api/handler";
import { getMe } from "@/lib/services/users/get-me";

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi("me:read", async ({ actor }) => {
    const me = await getMe(actor);
    return NextResponse.json({
      user: { id: me.id, email: me.email, name: me.name },
      role: me.role,
      partnerRole: me.partnerRole,
      organisation: me.org,
    });
  }),
});

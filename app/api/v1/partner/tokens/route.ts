import { NextResponse } from "next/server";
import { apiRoute, pageOf, queryOf, readJson, withApi } from "@/lib/api/handler";
import { listOrgTokensPage } from "@/lib/services/tokens/list-org-tokens";
import { createOrgToken } from "@/lib/services/tokens/create-org-token";
import { z } from "zod";

// The fields this route reads (the service validates their values).
const bodySchema = z.object({ user: z.unknown(), name: z.unknown(), scopes: z.unknown(), expiresAt: z.unknown() });

export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = apiRoute({
  GET: withApi("org-token:list", async ({ req, actor }) => {
    const page = await listOrgTokensPage(actor, pageOf(queryOf(req)));
    return NextResponse.json({
      nextCursor: page.nextCursor,
      prevCursor: page.prevCursor,
      tokens: page.tokens.map((t) => ({ id: t.id, name: t.name, prefix: t.prefix, user: t.user.email, scopes: t.scopes, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt, expiresAt: t.expiresAt, revokedAt: t.revokedAt })),
    });
  }),
  POST: withApi("org-token:create", async ({ req, actor }) => {
    const body = await readJson(req, bodySchema);
    const t = await createOrgToken(actor, { userEmail: body.user, name: body.name, scopes: body.scopes, expiresAt: body.expiresAt });
    return NextResponse.json({ id: t.id, name: t.name, prefix: t.prefix, scopes: t.scopes, expiresAt: t.expiresAt, token: t.token }, { status: 201, headers: { "cache-control": "no-store" } });
  }),
});

import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { managedOrganisation } from "@/lib/services/org-users/own-organisation";
import { createTokenSchema, storeToken } from "./create-token";
import { newToken } from "./token-format";

const schema = createTokenSchema.extend({ orgCode: z.string().optional() });

/**
 * A partner admin creates an API token for a user of its own organisation (itself included). The
 * token speaks for that user's role, narrowed by its scopes; it is returned once, only its hash kept.
 * A user of another organisation is "not found".
 */
export async function createOrgToken(actor: Actor, input: { [K in keyof z.input<typeof schema>]?: unknown }) {
  authorize(actor, "org-token:create");
  const data = parseInput(schema, input);
  const token = newToken();
  const record = await getDb().$transaction(async (tx) => {
    const org = await managedOrganisation(tx, actor, data.orgCode);
    const user = await tx.user.findUnique({ where: { email: data.userEmail } });
    if (!user || user.orgId !== org.id || user.role !== "partner") throw new AppError("not_found", `No user with email "${data.userEmail}" in ${org.code}.`, { userEmail: "Not a user of your organisation." });
    if (user.disabled) throw new AppError("conflict", `User "${data.userEmail}" is disabled.`, { userEmail: "User is disabled." });
    return storeToken(tx, actor, { ...user, orgId: org.id }, token, data);
  });
  return { ...record, token };
}

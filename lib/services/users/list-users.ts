import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { ROLES } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { parseInput } from "@/lib/validation";
import { organisationCode } from "@/lib/services/organisations/schemas";

const blank = (v: unknown) => (v === "" ? undefined : v);
export const USER_STATES = ["active", "disabled"] as const;
export const listUsersSchema = z.object({
  role: z.preprocess(blank, z.enum(ROLES, { message: `role is one of: ${ROLES.join(", ")}.` }).optional()),
  organisation: z.preprocess(blank, organisationCode.optional()),
  state: z.preprocess(blank, z.enum(USER_STATES, { message: "state is active or disabled." }).optional()),
});
export type ListUsersFilter = z.input<typeof listUsersSchema>;

/** Users, filtered by role, organisation (code) and state; an unknown organisation is a 422 naming it. */
export async function listUsers(actor: Actor, filter: ListUsersFilter = {}) {
  authorize(actor, "user:list");
  const f = parseInput(listUsersSchema, filter);
  const db = getDb();
  let orgId: string | undefined;
  if (f.organisation) {
    const org = await db.organisation.findUnique({ where: { code: f.organisation }, select: { id: true } });
    if (!org) throw new AppError("validation_failed", `No organisation with code "${f.organisation}".`, { organisation: "Unknown organisation." });
    orgId = org.id;
  }
  return db.user.findMany({
    where: { role: f.role, orgId, disabled: f.state === undefined ? undefined : f.state === "disabled" },
    orderBy: [{ role: "asc" }, { email: "asc" }],
    select: { id: true, email: true, name: true, role: true, partnerRole: true, disabled: true, createdAt: true, org: { select: { code: true, disabled: true } } },
  });
}

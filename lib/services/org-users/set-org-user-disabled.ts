import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { setUserDisabled } from "@/lib/services/users/set-user-disabled";
import { parseInput } from "@/lib/validation";
import { lockOrgUser, managedOrganisation } from "./own-organisation";
import { orgUserSchema } from "./schemas";

/** A partner admin disables a user of its own organisation: sessions end at once, tokens are refused. */
export async function disableOrgUser(actor: Actor, input: z.input<typeof orgUserSchema>) {
  authorize(actor, "org-user:disable");
  const data = parseInput(orgUserSchema, input);
  return getDb().$transaction(async (tx) => {
    const org = await managedOrganisation(tx, actor, data.orgCode);
    return setUserDisabled(tx, actor, { ...(await lockOrgUser(tx, org.id, data.user)), orgId: org.id }, true);
  });
}

/** Enable a disabled user of the partner admin's own organisation again. */
export async function enableOrgUser(actor: Actor, input: z.input<typeof orgUserSchema>) {
  authorize(actor, "org-user:disable");
  const data = parseInput(orgUserSchema, input);
  return getDb().$transaction(async (tx) => {
    const org = await managedOrganisation(tx, actor, data.orgCode);
    return setUserDisabled(tx, actor, { ...(await lockOrgUser(tx, org.id, data.user)), orgId: org.id }, false);
  });
}

import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { CA_KEY_TYPES } from "@/lib/ca/keys";
import { initProviderClientCa } from "@/lib/ca/provider-client-ca";
import { parseInput } from "@/lib/validation";
import { notifyEveryPartner } from "@/lib/notifications/emit-event";
import { requireEnvironment } from "@/lib/services/environments/find-environment";

const schema = z.object({
  envCode: z.string().trim().min(1).max(32).transform((v) => v.toUpperCase()),
  keyType: z.enum(CA_KEY_TYPES as [string, ...string[]]).default("ecdsa-p256"),
});

/** Create an environment's provider client CA (admins, the CLI). */
export async function createProviderClientCa(actor: Actor, input: z.input<typeof schema>) {
  authorize(actor, "provider-ca:init");
  const data = parseInput(schema, input);
  const env = await requireEnvironment(data.envCode, "envCode");
  return getDb().$transaction(
    async (tx) => {
      const ca = await initProviderClientCa(tx, actor, env, data.keyType as (typeof CA_KEY_TYPES)[number]);
      // Partners download and trust it next (Thales-style outgoing calls).
      await notifyEveryPartner(tx, "provider_client_ca.created", ca.id);
      return ca;
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
}

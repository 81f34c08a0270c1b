import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { recordAudit } from "@/lib/audit/record-audit";
import { JWS_ALGORITHMS } from "@/lib/pki/jws/jws-policy";
import { parseInput } from "@/lib/validation";
import { describeInput } from "@/lib/validation";
import { requireEnvironment } from "./find-environment";

export const setJwsAlgorithmsSchema = z.object({
  environment: describeInput(z.string().trim().min(1, "Choose an environment.").max(32), { expects: "a string (an environment code)" }),
  algorithms: describeInput(
    z
      .array(z.enum(JWS_ALGORITHMS, { message: `Each algorithm is one of ${JWS_ALGORITHMS.join(", ")}.` }))
      .min(1, "Allow at least one algorithm.")
      .transform((a) => JWS_ALGORITHMS.filter((x) => a.includes(x))),
    { expects: `a list of ${JWS_ALGORITHMS.join(", ")}` },
  ),
});

/**
 * The JWS policy of an environment (issue 18): which of RS256, PS256 and ES256 partners' and the
 * provider's keys may use there. Keys already stored keep their alg; new uploads, endorsements
 * and signature checks follow the new list.
 */
export async function setJwsAlgorithms(actor: Actor, input: z.input<typeof setJwsAlgorithmsSchema> | Record<string, unknown>) {
  authorize(actor, "environment:jws-policy");
  const data = parseInput(setJwsAlgorithmsSchema, input);
  const env = await requireEnvironment(data.environment.toUpperCase());
  return getDb().$transaction(async (tx) => {
    const row = await tx.environment.update({ where: { id: env.id }, data: { jwsAlgorithms: data.algorithms } });
    await recordAudit(tx, actor, { action: "environment.jws_policy", targetType: "environment", targetId: env.id, details: { environment: env.code, before: env.jwsAlgorithms, after: data.algorithms } });
    return { environment: row.code, jwsAlgorithms: row.jwsAlgorithms };
  });
}

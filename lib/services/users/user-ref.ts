import { z } from "zod";
import type { Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { assertId } from "@/lib/services/scope";
import { emailSchema } from "./schemas";

/** A user named by id (the API's paths) or by email (the CLI and the admin pages): exactly one. */
export const userRefSchema = z
  .object({ id: z.string().optional(), email: emailSchema.optional() })
  .refine((v) => !!v.id !== !!v.email, { message: "Name the user by id or by email (one of them).", path: ["email"] });
export type UserRef = z.input<typeof userRefSchema>;

/** The user, locked FOR UPDATE in the caller's transaction, or 404. */
export async function lockUser(tx: Tx, ref: z.output<typeof userRefSchema>) {
  const where = ref.id ? { id: assertId(ref.id, "user") } : { email: ref.email! };
  const user = await tx.user.findUnique({ where, include: { org: { select: { id: true, code: true, disabled: true } } } });
  if (!user) throw new AppError("not_found", ref.id ? `No user with id "${ref.id}".` : `No user with email "${ref.email}".`);
  await tx.$queryRaw`SELECT id FROM users WHERE id = ${user.id}::uuid FOR UPDATE`;
  return user;
}

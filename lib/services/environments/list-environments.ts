import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";

export async function listEnvironments(actor: Actor) {
  authorize(actor, "environment:list");
  return getDb().environment.findMany({ orderBy: [{ production: "asc" }, { code: "asc" }] });
}

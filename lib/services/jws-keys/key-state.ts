import type { JwsKeyState } from "@/lib/pki/jws/verify-signed-request";

/** What a partner JWS key is now: an endorsed key is active until its retire date, then retired. */
export function jwsKeyState(row: { status: "pending" | "endorsed" | "rejected"; retireAt: Date | null }, now = new Date()): JwsKeyState {
  if (row.status !== "endorsed") return row.status;
  return row.retireAt && row.retireAt.getTime() <= now.getTime() ? "retired" : "active";
}

/** A provider key: active until its retire date. */
export const providerKeyState = (row: { retireAt: Date | null }, now = new Date()): "active" | "retired" =>
  row.retireAt && row.retireAt.getTime() <= now.getTime() ? "retired" : "active";

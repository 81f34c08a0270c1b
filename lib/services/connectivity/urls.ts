import { publicUrl } from "@/lib/ca/authority";

/**
 * Where partners run the mTLS connectivity test: KEYPORT_CONNECTIVITY_URL, or the
 * public host on KEYPORT_CONNECTIVITY_PORT. Null when the listener is not enabled.
 */
export function connectivityUrl(): string | null {
  const explicit = process.env.KEYPORT_CONNECTIVITY_URL?.trim();
  const port = process.env.KEYPORT_CONNECTIVITY_PORT?.trim();
  if (!explicit && !port) return null;
  const base = explicit ? explicit.replace(/\/+$/, "") : `https://${new URL(publicUrl()).hostname}:${port}`;
  return `${base}/api/healthCheck`;
}

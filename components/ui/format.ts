// Formatting for server-rendered pages: always UTC, so what an officer reads
// matches the audit trail and the API.

export function formatTime(d: Date | string | null | undefined): string {
  if (!d) return "—";
  const date = typeof d === "string" ? new Date(d) : d;
  return `${date.toISOString().replace("T", " ").slice(0, 16)} UTC`;
}

export function formatDay(d: Date | null | undefined): string {
  return d ? d.toISOString().slice(0, 10) : "—";
}

/** "3 d", "5 h", "12 min": how long something has waited. */
export function formatAge(d: Date, now = Date.now()): string {
  const minutes = Math.max(0, Math.floor((now - d.getTime()) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

/** A hex string in colon-separated pairs (how openssl prints serials and fingerprints). */
export function colonHex(hex: string): string {
  return hex.toUpperCase().replace(/:/g, "").replace(/(..)(?!$)/g, "$1:");
}

// Runs once when the Next.js server starts: start the mTLS connectivity listeners
// named by KEYPORT_CONNECTIVITY (e.g. "PPR:8443,PRD:8444"), if any.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || !process.env.KEYPORT_CONNECTIVITY?.trim()) return;
  const { startConfiguredListeners } = await import("./lib/connectivity/listener");
  await startConfiguredListeners();
}

// The one logger: pino. JSON lines in production (KEYPORT_LOG_FORMAT=json, the default under
// NODE_ENV=production), one readable line per event for people (pretty: the demo and dev).
// Never log a secret: the redaction list below removes the fields that could carry one, and code
// logs ids and codes, not bodies (a CSR, a key, a token or a password never reaches a log call).
// Kept on globalThis: Next.js loads lib code in its own bundles beside server.ts's copy.
import pino, { type Logger } from "pino";
import pinoPretty from "pino-pretty";
import { currentRequestId } from "@/lib/log/request-context";

const REDACT = [
  "password",
  "*.password",
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "headers.cookie",
  "req.headers.authorization",
  "req.headers.cookie",
  "cookie",
  "*.cookie",
  "secret",
  "*.secret",
  "privateKey",
  "*.privateKey",
  "csr",
  "*.csr",
  "masterKey",
  "*.masterKey",
];

const shared = globalThis as { __keyportLogger?: Logger };

function format(): "json" | "pretty" {
  const f = process.env.KEYPORT_LOG_FORMAT?.trim();
  if (f === "json" || f === "pretty") return f;
  return process.env.NODE_ENV === "production" ? "json" : "pretty";
}

function createLogger(): Logger {
  const level = process.env.KEYPORT_LOG_LEVEL?.trim() || (process.env.NODE_ENV === "test" ? "warn" : "info");
  const options: pino.LoggerOptions = {
    level,
    base: { service: "keyport" },
    redact: { paths: REDACT, censor: "[redacted]" },
    // Every line names the request it belongs to, when there is one.
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (format() === "pretty") {
    // Synchronous, in-process (no worker thread): one line per event, on stderr.
    return pino(options, pinoPretty({ destination: 2, sync: true, colorize: process.stderr.isTTY, translateTime: "HH:MM:ss", ignore: "pid,hostname,service,component", singleLine: true, messageFormat: (line, key) => `${line.component ? `${String(line.component)}: ` : ""}${String(line[key])}` }));
  }
  return pino(options, pino.destination({ dest: 1, sync: false }));
}

export function logger(): Logger {
  return (shared.__keyportLogger ??= createLogger());
}

/** A child logger for one part of Keyport ("jobs", "server", "connectivity", …). */
export function log(component: string): Logger {
  return logger().child({ component });
}

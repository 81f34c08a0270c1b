// SMTP through nodemailer: KEYPORT_SMTP_URL says host, port, TLS and auth
// (smtp://user:pass@host:587 upgrades with STARTTLS when offered; smtps://host:465 is TLS from the
// start), KEYPORT_MAIL_FROM the sender. With no KEYPORT_SMTP_URL, mail is held in the outbox
// admins read at /admin/mail (the demo).
import nodemailer, { type Transporter } from "nodemailer";

export function smtpConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return !!env.KEYPORT_SMTP_URL?.trim();
}

export function mailFrom(env: NodeJS.ProcessEnv = process.env): string {
  return env.KEYPORT_MAIL_FROM?.trim() || "Keyport <keyport@localhost>";
}

const cache = new Map<string, Transporter>();

export function mailTransport(env: NodeJS.ProcessEnv = process.env): Transporter {
  const url = env.KEYPORT_SMTP_URL?.trim();
  if (!url) throw new Error("KEYPORT_SMTP_URL is not set");
  let t = cache.get(url);
  if (!t) {
    // Bounded waits: a silent server fails the attempt (it is retried) instead of holding the worker.
    t = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
    cache.set(url, t);
  }
  return t;
}

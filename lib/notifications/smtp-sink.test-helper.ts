// A real SMTP server for the tests (the smtp-server package, in-process, on loopback): it keeps
// what arrived, and can refuse connections or hang mid-message on demand (fault tests).
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export type ReceivedMail = {
  /** The SMTP envelope (RCPT TO), lower-cased. */
  to: string[];
  from: string;
  messageId: string;
  subject: string;
  text: string;
  html: string;
  raw: string;
};

/** What the next connections meet: "ok", "refuse" (421 at connect) or "hang" (the message is never answered). */
export type SinkMode = "ok" | "refuse" | "hang";

// ── A small MIME reader, enough for what nodemailer writes (tests only) ──────────────────────
function decodeQp(s: string): Buffer {
  const soft = s.replace(/=\r?\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    if (soft[i] === "=" && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i], "utf8"));
  }
  return Buffer.from(bytes);
}

function decodeWords(v: string): string {
  return v
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_, enc: string, data: string) =>
      enc.toUpperCase() === "B" ? Buffer.from(data, "base64").toString("utf8") : decodeQp(data.replace(/_/g, " ")).toString("utf8"),
    );
}

function splitPart(raw: string): { headers: Map<string, string>; body: string } {
  const at = raw.indexOf("\r\n\r\n");
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? "" : raw.slice(at + 4);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, " ").split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return { headers, body };
}

function decodeBody(part: { headers: Map<string, string>; body: string }): string {
  const cte = (part.headers.get("content-transfer-encoding") ?? "7bit").toLowerCase();
  if (cte === "quoted-printable") return decodeQp(part.body).toString("utf8");
  if (cte === "base64") return Buffer.from(part.body.replace(/\s+/g, ""), "base64").toString("utf8");
  return part.body;
}

export function parseMail(raw: string, to: string[], from: string): ReceivedMail {
  const top = splitPart(raw);
  let text = "";
  let html = "";
  const type = top.headers.get("content-type") ?? "text/plain";
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  const parts = boundary ? top.body.split(`--${boundary}`).slice(1, -1).map((p) => splitPart(p.replace(/^\r\n/, ""))) : [top];
  for (const p of parts) {
    const t = (p.headers.get("content-type") ?? "text/plain").toLowerCase();
    if (t.startsWith("text/plain")) text = decodeBody(p).replace(/\r\n$/, "");
    else if (t.startsWith("text/html")) html = decodeBody(p);
  }
  return { to, from, messageId: top.headers.get("message-id") ?? "", subject: decodeWords(top.headers.get("subject") ?? ""), text, html, raw };
}

export async function startSmtpSink() {
  const received: ReceivedMail[] = [];
  const modes: SinkMode[] = [];
  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP on loopback: no self-signed STARTTLS certificate for the client to refuse.
    disabledCommands: ["STARTTLS"],
    logger: false,
    closeTimeout: 500,
    onConnect(_session, cb) {
      connections++;
      const mode = modes.shift() ?? "ok";
      if (mode === "refuse") return cb(Object.assign(new Error("Service not available, try again later"), { responseCode: 421 }));
      (_session as unknown as { keyportMode: SinkMode }).keyportMode = mode;
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        // A hung server reads the message and never answers: the client's timeout must fire.
        if ((session as unknown as { keyportMode: SinkMode }).keyportMode === "hang") return;
        const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
        received.push(parseMail(Buffer.concat(chunks).toString("utf8"), to, from));
        cb();
      });
    },
  });
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    /** KEYPORT_SMTP_URL for this server, with short timeouts (nodemailer reads them from the URL's query). */
    url: `smtp://127.0.0.1:${port}/?connectionTimeout=2000&greetingTimeout=2000&socketTimeout=2000`,
    received,
    /** The modes the next connections meet, in order (then "ok"). */
    queue: (...m: SinkMode[]) => modes.push(...m),
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

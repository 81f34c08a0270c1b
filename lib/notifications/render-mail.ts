// One message, two bodies: plain text and HTML (escaped), with the environment and the
// organisation in the subject. Everything shown comes from the event's public facts.
import type { EventFacts } from "./event-types";

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
// Header injection: a subject is one line.
const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, " ").slice(0, 200);

export function renderMail(facts: EventFacts, link: string | null) {
  const where = [facts.envCode, facts.orgCode].filter(Boolean).join(" · ");
  const subject = oneLine(`[Keyport${where ? ` ${where}` : ""}] ${facts.title}`);
  const text = [
    facts.title,
    "",
    ...facts.facts.map(([k, v]) => `${k}: ${v}`),
    ...(link ? ["", `Open in Keyport: ${link}`] : []),
    "",
    "-- ",
    "Keyport sent this message because of an event in the portal. It never contains a private key or a secret.",
  ].join("\n");
  const rows = facts.facts.map(([k, v]) => `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(k)}</th><td style="font-family:monospace">${escapeHtml(v)}</td></tr>`).join("");
  const html = [
    `<!doctype html><html><body style="font-family:sans-serif">`,
    `<h1 style="font-size:18px">${escapeHtml(facts.title)}</h1>`,
    `<table>${rows}</table>`,
    link ? `<p><a href="${escapeHtml(link)}">Open in Keyport</a></p>` : "",
    `<p style="color:#666;font-size:12px">Keyport sent this message because of an event in the portal. It never contains a private key or a secret.</p>`,
    `</body></html>`,
  ].join("");
  return { subject, text, html };
}

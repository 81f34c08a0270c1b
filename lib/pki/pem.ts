// PEM (RFC 7468) encoding and decoding. Pure: runs in Node and in the browser.

export type PemBlock = { label: string; der: Uint8Array };

// Labels bounded in length, and each END looked for only up to the next BEGIN: one pass over the
// text. (One lazy BEGIN…END pattern rescanned the rest of the text from every BEGIN: quadratic,
// 0.6 s for 128 KiB of BEGIN lines.)
const BEGIN = /-----BEGIN ([A-Z0-9 #\-]{1,80})-----/g;
const END = /-----END ([A-Z0-9 #\-]{1,80})-----/;

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** RFC 4648 §4 base64 with padding. A table loop: several times faster than String.fromCharCode(...) + btoa. */
export function base64Encode(bytes: Uint8Array): string {
  const parts: string[] = [];
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64[v >> 18] + B64[(v >> 12) & 63] + B64[(v >> 6) & 63] + B64[v & 63];
    if (out.length >= 0x4000) {
      parts.push(out);
      out = "";
    }
  }
  if (i < bytes.length) {
    const v = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8);
    out += B64[v >> 18] + B64[(v >> 12) & 63] + (i + 1 < bytes.length ? B64[(v >> 6) & 63] : "=") + "=";
  }
  parts.push(out);
  return parts.join("");
}

/** Strict base64 decode; returns null when the text is not base64. */
export function base64Decode(text: string): Uint8Array | null {
  const clean = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) return null;
  try {
    const bin = atob(clean);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

export function pemEncode(label: string, der: Uint8Array): string {
  const b64 = base64Encode(der);
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** Every PEM block in the text (any line endings). Blocks whose body is not base64 get an empty der. */
export function pemDecodeAll(text: string): (PemBlock & { endLabel: string; valid: boolean })[] {
  const out: (PemBlock & { endLabel: string; valid: boolean })[] = [];
  const begins = [...text.matchAll(BEGIN)];
  for (const [i, m] of begins.entries()) {
    const start = m.index + m[0].length;
    const region = text.slice(start, i + 1 < begins.length ? begins[i + 1].index : text.length);
    const end = END.exec(region);
    if (!end) continue;
    // RFC 7468 allows explanatory headers (Proc-Type etc.) only in legacy encrypted keys; skip "Key: value" lines.
    const body = region
      .slice(0, end.index)
      .split(/\r\n|\r|\n/)
      .filter((l) => !/^[A-Za-z-]+:/.test(l.trim()))
      .join("");
    const der = base64Decode(body);
    out.push({ label: m[1], endLabel: end[1], der: der ?? new Uint8Array(0), valid: der !== null && der.length > 0 && m[1] === end[1] });
  }
  return out;
}

export function toHex(bytes: Uint8Array, sep = ""): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(sep);
}

/** An ArrayBuffer holding exactly these bytes (pkijs/asn1js want ArrayBuffers). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

// Control characters in text people and programs give us. Pure: used by input parsing on
// the server, by the CSR checks (in the browser too) and by the API's readers.
//
// Unicode category Cc: C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F). PostgreSQL
// text cannot hold U+0000 at all (error 22021, and 22P05 for "\u0000" in json); the others
// are invisible on pages, in logs and in the audit trail, and can forge lines there. Text
// that is multi-line by nature (a note, a reason, a PEM block) may keep tab, LF and CR.
//
// Refused the same way: an unpaired UTF-16 surrogate (U+D800–U+DFFF without its other half,
// JSON "\ud800"). It is not a character (Unicode §3.9, D76), has no UTF-8 form (RFC 3629 §3),
// and PostgreSQL refuses it in json and jsonb (22P02 "Unicode low surrogate must follow a high
// surrogate"), so a value holding one could not be stored in an audit row or a CSR's checks.

const NAMES: Record<number, string> = {
  0x00: "NUL",
  0x07: "BEL",
  0x08: "backspace",
  0x09: "tab",
  0x0a: "line feed",
  0x0b: "vertical tab",
  0x0c: "form feed",
  0x0d: "carriage return",
  0x1b: "escape",
  0x7f: "DEL",
  0x85: "next line",
};

export type ControlCharacter = { index: number; code: number };

/** True for U+D800–U+DFFF, the UTF-16 surrogate code units. */
export const isSurrogate = (code: number) => code >= 0xd800 && code <= 0xdfff;

/** The first control character or unpaired surrogate in `s` (tab, LF and CR allowed when `multiline`), or null. */
export function findControlCharacter(s: string, opts: { multiline?: boolean } = {}): ControlCharacter | null {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      if (opts.multiline && (c === 0x09 || c === 0x0a || c === 0x0d)) continue;
      return { index: i, code: c };
    }
    if (isSurrogate(c)) {
      // A high surrogate followed by a low one is one character (an emoji, say): step over both.
      if (c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
      else return { index: i, code: c };
    }
  }
  return null;
}

/** "U+0000 (NUL)", "U+000A (line feed)", "U+0093", "U+D800 (unpaired surrogate)". */
export function describeCodePoint(code: number): string {
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  const name = NAMES[code] ?? (isSurrogate(code) ? "unpaired surrogate" : undefined);
  return name ? `${hex} (${name})` : hex;
}

/** The message for a field holding a control character, naming the field and the character. */
export function controlCharacterMessage(field: string, found: ControlCharacter): string {
  if (isSurrogate(found.code)) {
    return `${field} contains an unpaired UTF-16 surrogate (${describeCodePoint(found.code).split(" ")[0]}), which is not a character and cannot be stored; remove it.`;
  }
  const lineBreakOrTab = found.code === 0x09 || found.code === 0x0a || found.code === 0x0d;
  return lineBreakOrTab
    ? `${field} must be on one line: it contains ${describeCodePoint(found.code)}.`
    : `${field} contains the control character ${describeCodePoint(found.code)}, which is not allowed; remove it.`;
}

/** Control characters and unpaired surrogates, each matched alone (a surrogate pair is left as it is). */
const UNSHOWABLE = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A string as it can be shown safely in a message: control characters and unpaired surrogates as \uXXXX, at most `max` characters. */
export function printable(s: string, max = 64): string {
  const cut = s.length > max ? `${s.slice(0, max)}…` : s;
  return cut.replace(UNSHOWABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

// Control characters in text people and programs give us. Pure: used by input parsing on
// the server, by the CSR checks (in the browser too) and by the API's readers.
//
// Unicode category Cc: C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F). PostgreSQL
// text cannot hold U+0000 at all (error 22021, and 22P05 for "\u0000" in json); the others
// are invisible on pages, in logs and in the audit trail, and can forge lines there. Text
// that is multi-line by nature (a note, a reason, a PEM block) may keep tab, LF and CR.

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

/** The first control character in `s` (tab, LF and CR allowed when `multiline`), or null. */
export function findControlCharacter(s: string, opts: { multiline?: boolean } = {}): ControlCharacter | null {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      if (opts.multiline && (c === 0x09 || c === 0x0a || c === 0x0d)) continue;
      return { index: i, code: c };
    }
  }
  return null;
}

/** "U+0000 (NUL)", "U+000A (line feed)", "U+0093". */
export function describeCodePoint(code: number): string {
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return NAMES[code] ? `${hex} (${NAMES[code]})` : hex;
}

/** The message for a field holding a control character, naming the field and the character. */
export function controlCharacterMessage(field: string, found: ControlCharacter): string {
  const lineBreakOrTab = found.code === 0x09 || found.code === 0x0a || found.code === 0x0d;
  return lineBreakOrTab
    ? `${field} must be on one line: it contains ${describeCodePoint(found.code)}.`
    : `${field} contains the control character ${describeCodePoint(found.code)}, which is not allowed; remove it.`;
}

/** A string as it can be shown safely in a message: control characters as \uXXXX, at most `max` characters. */
export function printable(s: string, max = 64): string {
  const cut = s.length > max ? `${s.slice(0, max)}…` : s;
  return cut.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

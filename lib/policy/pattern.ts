// Profile patterns run in RE2 (re2js, pure JS: browser and Node), a linear-time engine:
// whatever an administrator writes, matching a partner's value cannot take exponential
// time (a pattern such as (a+)+ would otherwise let one CSR stall the server, ReDoS).
// RE2 has no lookaround or backreferences, which a subject rule does not need.
import { RE2JS } from "re2js";

/**
 * What `\s` means in JavaScript (ECMAScript WhiteSpace + LineTerminator); RE2's `\s` is
 * ASCII only. Keeping JavaScript's meaning keeps "no whitespace" rules refusing a
 * no-break or ideographic space too.
 */
const JS_WHITESPACE = "\\t\\n\\f\\r \\x{0B}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}";

/** Rewrite `\s` (and `\S` outside a class) to JavaScript's whitespace set. */
function withJsWhitespace(source: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\" && i + 1 < source.length) {
      const n = source[i + 1];
      i++;
      if (n === "s") out += inClass ? JS_WHITESPACE : `[${JS_WHITESPACE}]`;
      else if (n === "S" && !inClass) out += `[^${JS_WHITESPACE}]`;
      else out += c + n;
      continue;
    }
    if (c === "[" && !inClass) inClass = true;
    else if (c === "]" && inClass) inClass = false;
    out += c;
  }
  return out;
}

export type Pattern = { matches: (value: string) => boolean };

// Compiling costs ~1 ms, matching ~10 µs: profiles are few, so keep what was compiled.
const compiled = new Map<string, Pattern>();

/** Compile a pattern that must match a whole value (cached). Throws PatternSyntaxError with RE2's reason. */
export function compilePattern(source: string): Pattern {
  const hit = compiled.get(source);
  if (hit) return hit;
  const pattern = compileUncached(source);
  if (compiled.size >= 500) compiled.clear();
  compiled.set(source, pattern);
  return pattern;
}

function compileUncached(source: string): Pattern {
  try {
    const re = RE2JS.compile(withJsWhitespace(source));
    // Matcher.matches() is a whole-value match (like ^(?:…)$), so errors quote the administrator's own pattern.
    return { matches: (value) => re.matcher(value).matches() };
  } catch (e) {
    throw new PatternSyntaxError((e as Error).message.replace(/^error parsing regexp: /, ""));
  }
}

export class PatternSyntaxError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "PatternSyntaxError";
  }
}

/** Null when the pattern compiles; otherwise why not, in words an administrator can act on. */
export function patternSyntaxError(source: string): string | null {
  try {
    compilePattern(source);
    return null;
  } catch (e) {
    const reason = (e as Error).message;
    return /Perl syntax|escape sequence/.test(reason) ? `${reason} (patterns use RE2 syntax: no lookaround or backreferences)` : reason;
  }
}

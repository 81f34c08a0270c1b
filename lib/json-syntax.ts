// Where JSON text first goes wrong, by line and column. JSON.parse's messages
// differ between engines, often give no position, and V8's echo the whole input.
// Pure: the profile editor runs it in the browser as the admin types.
//
// Iterative, with an explicit stack bounded at MAX_JSON_DEPTH: a 64 KiB text nests 30,000
// levels, and a recursive reader (this one was) overflows the call stack on it (RangeError).

/**
 * The deepest nesting of objects and arrays Keyport reads in JSON it is given (API bodies,
 * profiles). Real input nests a few levels; JSON.parse copes with any depth, but JSON.stringify,
 * recursive walks and PostgreSQL's json parser ("stack depth limit exceeded") do not.
 */
export const MAX_JSON_DEPTH = 64;

type JsonError = { at: number; tooDeep: boolean };

function findJsonError(text: string): JsonError | null {
  let i = 0;
  const stack: string[] = [];
  const fail = (tooDeep = false): never => {
    throw { at: i, tooDeep } satisfies JsonError;
  };
  const ws = () => {
    while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i++;
    }
  };
  const string = () => {
    i++; // the opening quote
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail(); // RFC 8259 §7: control characters must be escaped
      if (text[i] === "\\") {
        i++;
        if (text[i] === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? "x")) fail();
      }
      i++;
    }
    if (text[i] !== '"') fail();
    i++;
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === "-") fail();
    i += m![0].length;
  };
  /** An object member's name and colon (RFC 8259 §4). */
  const memberName = () => {
    ws();
    if (text[i] !== '"') fail();
    string();
    ws();
    if (text[i] !== ":") fail();
    i++;
  };
  /** Opens an object or array; false when it is empty (and already closed). */
  const open = (close: string): boolean => {
    if (stack.length >= MAX_JSON_DEPTH) fail(true);
    i++;
    ws();
    if (text[i] === close) {
      i++;
      return false;
    }
    stack.push(close);
    return true;
  };

  try {
    // One loop over values: each turn reads one value, then closes the containers it ends.
    for (;;) {
      ws();
      const c = text[i];
      if (c === "{") {
        if (open("}")) {
          memberName();
          continue;
        }
      } else if (c === "[") {
        if (open("]")) continue;
      } else if (c === '"') string();
      else if (c === "t") literal("true");
      else if (c === "f") literal("false");
      else if (c === "n") literal("null");
      else if (c === "-" || (c >= "0" && c <= "9")) number();
      else fail();
      // After a value: a comma (next member or element), or the end of containers.
      for (;;) {
        if (!stack.length) {
          ws();
          return i < text.length ? { at: i, tooDeep: false } : null;
        }
        ws();
        const close = stack[stack.length - 1];
        if (text[i] === ",") {
          i++;
          if (close === "}") memberName();
          break;
        }
        if (text[i] !== close) fail();
        i++;
        stack.pop();
      }
    }
  } catch (e) {
    if (typeof e === "object" && e !== null && "tooDeep" in e) return e as JsonError;
    throw e;
  }
}

/** The offset of the first character that breaks the RFC 8259 grammar or nests deeper than MAX_JSON_DEPTH; -1 when the text is valid JSON. */
export function jsonErrorOffset(text: string): number {
  return findJsonError(text)?.at ?? -1;
}

/** "Not valid JSON (line 3, column 8): unexpected "}"." or null when the text parses. */
export function jsonSyntaxError(text: string): string | null {
  const error = findJsonError(text);
  if (!error) return null;
  const { at } = error;
  const before = text.slice(0, at);
  const line = before.split("\n").length;
  const column = at - before.lastIndexOf("\n");
  if (error.tooDeep) return `The JSON is nested deeper than ${MAX_JSON_DEPTH} levels (line ${line}, column ${column}).`;
  const found = at >= text.length ? "the text ends too early" : `unexpected ${JSON.stringify(text[at])}`;
  return `Not valid JSON (line ${line}, column ${column}): ${found}.`;
}

/**
 * Whether a parsed JSON value nests objects and arrays deeper than `max` levels. Iterative: it
 * costs no stack whatever the depth, and stops at the first branch that is too deep.
 */
export function nestedDeeperThan(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    const children = Array.isArray(v) ? v : isPlainObject(v) ? Object.values(v) : null;
    if (!children) continue; // a scalar, or bytes and other objects that are not JSON
    if (depth >= max) return true;
    for (const child of children) if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

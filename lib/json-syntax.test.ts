import { describe, expect, it } from "vitest";
import { jsonErrorOffset, jsonSyntaxError } from "@/lib/json-syntax";

describe("jsonErrorOffset", () => {
  it.each([
    ['{"a":1}', -1],
    [' [1, -2.5e3, "x\\u00e9\\n", true, false, null, {}] ', -1],
    ['{"a":1,}', 7],
    ['{"a" 1}', 5],
    ["[1 2]", 3],
    ['{"a": tru}', 9],
    ['"abc', 4],
    ['"a\tb"', 2],
    ['"\\x"', 2],
    ["01", 1],
    ["-", 0],
    ["", 0],
    ["{} x", 3],
    ["{'a': 1}", 1],
  ])("%j → %i, agreeing with JSON.parse", (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset);
    let ok = true;
    try {
      JSON.parse(text);
    } catch {
      ok = false;
    }
    expect(ok).toBe(offset === -1);
  });

  it("names the line and column", () => {
    expect(jsonSyntaxError('{\n  "a": 1,\n  "b": }')).toBe('Not valid JSON (line 3, column 8): unexpected "}".');
    expect(jsonSyntaxError('{"a": [1, 2')).toBe("Not valid JSON (line 1, column 12): the text ends too early.");
    expect(jsonSyntaxError("[]")).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { jsonErrorOffset, jsonSyntaxError, nestedDeeperThan } from "@/lib/json-syntax";

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

describe("deep nesting (issue 14: a 30,000-level profile overflowed the stack)", () => {
  it.each([
    // name, nesting, characters per opening level
    ["arrays", (n: number) => "[".repeat(n) + "]".repeat(n), 1],
    ["objects", (n: number) => '{"a":'.repeat(n) + "1" + "}".repeat(n), 5],
  ] as const)("%s 30,000 levels deep: an answer, not a RangeError; the 65th opening is the error", (_, nest, step) => {
    expect(jsonSyntaxError(nest(30_000))).toMatch(/^The JSON is nested deeper than 64 levels \(line 1, column \d+\)\.$/);
    expect(jsonErrorOffset(nest(64))).toBe(-1);
    expect(jsonErrorOffset(nest(65))).toBe(64 * step);
    expect(jsonSyntaxError(nest(65))).toBe(`The JSON is nested deeper than 64 levels (line 1, column ${64 * step + 1}).`);
  });

  it("nestedDeeperThan walks any depth without recursion", () => {
    expect(nestedDeeperThan(JSON.parse("[".repeat(30_000) + "]".repeat(30_000)))).toBe(true);
    expect(nestedDeeperThan(JSON.parse("[".repeat(64) + "]".repeat(64)))).toBe(false);
    expect(nestedDeeperThan(JSON.parse("[".repeat(65) + "]".repeat(65)))).toBe(true);
    expect(nestedDeeperThan({ a: [{ b: "x" }], c: 1 }, 3)).toBe(false);
    expect(nestedDeeperThan({ a: [{ b: {} }] }, 3)).toBe(true);
  });
});

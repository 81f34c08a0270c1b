import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { formText } from "@/lib/actions/form-state";
import { findControlCharacter } from "@/lib/control-characters";
import { describeInput, parseInput } from "./validation";

const schema = z.object({
  code: describeInput(z.string({ message: "Choose a code." }).trim().min(1, "Choose a code."), { expects: 'a string (a code such as "PPR")' }),
  count: z.number().optional(),
  items: z.array(describeInput(z.union([z.string(), z.object({ cidr: z.string() })]), { expects: 'a string such as "203.0.113.10"' })).optional(),
  note: describeInput(z.string().max(20).default(""), { multiline: true }),
});

function refusal(input: unknown): AppError {
  try {
    parseInput(schema, input);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

describe("parseInput", () => {
  it.each([
    [{ code: 5 }, "code", 'code must be a string (a code such as "PPR").'],
    [{ code: null }, "code", 'code must be a string (a code such as "PPR").'],
    [{ code: "A", count: "3" }, "count", "count must be a number."],
    [{ code: "A", items: [5] }, "items.0", 'items[0] must be a string such as "203.0.113.10".'],
    [{ code: "A", items: "x" }, "items", "items must be a list (JSON array)."],
    [{ code: "A", note: ["x"] }, "note", "note must be a string."],
    // Missing keeps the schema's own words.
    [{}, "code", "Choose a code."],
  ])("names the field and the type wanted: %j", (input, field, message) => {
    const e = refusal(input);
    expect(e.code).toBe("validation_failed");
    expect(e.fields?.[field]).toBe(message);
    expect(e.message).toContain(message);
  });

  it("also reports a nested error at its top-level field, for forms that show only those", () => {
    expect(refusal({ code: "A", items: ["1.2.3.4", 7] }).fields).toMatchObject({ "items.1": expect.stringMatching(/^items\[1\] must be/), items: expect.stringMatching(/^items\[1\]/) });
  });

  it.each([
    [{ code: "A\u0000" }, "code", /code contains the control character U\+0000 \(NUL\)/],
    [{ code: "A\u007f" }, "code", /U\+007F \(DEL\)/],
    [{ code: "A\u009b" }, "code", /U\+009B/],
    [{ code: "A\nB" }, "code", /code must be on one line: it contains U\+000A \(line feed\)/],
    [{ code: "A", items: [{ cidr: "1.2.3.4\t" }] }, "items.0.cidr", /items\[0\]\.cidr must be on one line/],
    [{ code: "A", note: "ok\n\u0000" }, "note", /note contains the control character U\+0000/],
  ])("refuses control characters before parsing: %j", (input, field, message) => {
    const e = refusal(input);
    expect(e.fields?.[field]).toMatch(message);
  });

  it("refuses an unpaired surrogate in any field, naming it, and the value never reaches the schema", () => {
    const e = refusal({ code: "A", note: "half \ud800" });
    expect(e.fields).toEqual({ note: "note contains an unpaired UTF-16 surrogate (U+D800), which is not a character and cannot be stored; remove it." });
    expect(parseInput(schema, { code: "A", note: "card 💳" }).note).toBe("card 💳");
  });

  it("refuses input nested deeper than 64 levels before walking it", () => {
    let deep: unknown = "x";
    for (let i = 0; i < 64; i++) deep = [deep];
    expect(refusal({ code: "A", extra: deep }).message).toBe("The input is nested deeper than 64 levels.");
  });

  it("keeps tab and line breaks in multi-line fields", () => {
    expect(parseInput(schema, { code: "A", note: "one\r\ntwo\tthree" }).note).toBe("one\r\ntwo\tthree");
  });

  it("walks deeply nested input without exhausting the stack", () => {
    let deep: unknown = "\u0000";
    for (let i = 0; i < 50_000; i++) deep = [deep];
    expect(refusal({ code: "A", extra: deep }).code).toBe("validation_failed");
  });
});

describe("formText", () => {
  it("refuses a control character in a submitted field, naming it; keeps multi-line text", () => {
    const form = new FormData();
    form.set("note", "a\u0000b");
    form.set("text", "line\nline");
    expect(() => formText(form, "note")).toThrow(AppError);
    try {
      formText(form, "note");
    } catch (e) {
      expect((e as AppError).fields).toEqual({ note: expect.stringContaining("U+0000") });
    }
    expect(formText(form, "text")).toBe("line\nline");
    expect(formText(form, "absent")).toBeUndefined();
  });
});

describe("findControlCharacter", () => {
  it.each([
    ["plain text, ünïcödé and emoji 🔐", false, null],
    ["tab\there", false, 0x09],
    ["tab\there", true, null],
    ["C1 \u0085", true, 0x85],
    ["\u2028 is a separator, not a control", false, null],
    // Unpaired UTF-16 surrogates: not characters, and jsonb cannot store them (issue 14).
    ["high \ud800 alone", true, 0xd800],
    ["low \udc00 alone", true, 0xdc00],
    ["ends on a high \ud83d", true, 0xd83d],
    ["pair reversed \udcb3\ud83d", true, 0xdcb3],
    ["a pair is one character \ud83d\udcb3", true, null],
  ])("%j (multiline %s)", (s, multiline, code) => {
    expect(findControlCharacter(s, { multiline })?.code ?? null).toBe(code);
  });
});

import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "@/lib/auth/callback-url";

const ORIGIN = "https://portal.example";

describe("safeCallbackPath (issue 14, finding 4: no open redirect)", () => {
  it.each([
    ["/partner", "/partner"],
    ["/officer/requests/1?tab=checks#top", "/officer/requests/1?tab=checks#top"],
    ["https://portal.example/admin", "/admin"],
    ["/partner/../officer", "/officer"],
  ])("follows %j to %j", (raw, path) => {
    expect(safeCallbackPath(raw, ORIGIN)).toBe(path);
  });

  it.each([
    "/\t/evil.example/x", // browsers drop the tab: //evil.example/x
    "/\n/evil.example/x",
    "/\r/evil.example/x",
    "/\0/evil.example",
    "/\u000b/evil.example",
    "/\u000c/evil.example",
    "/\u3000/evil.example",
    "/\u00a0/evil.example",
    "/\ufeff/evil.example",
    "//evil.example/x",
    "/\\evil.example/x",
    "\\\\evil.example",
    "https://evil.example/x",
    "http://portal.example/admin", // another scheme is another origin
    "https://portal.example.evil.example/",
    "javascript:alert(1)",
    "http://[",
    "",
    "x".repeat(3000),
  ])("refuses %j", (raw) => {
    expect(safeCallbackPath(raw, ORIGIN)).toBeNull();
  });

  it("refuses what is not a string", () => {
    expect(safeCallbackPath(undefined, ORIGIN)).toBeNull();
    expect(safeCallbackPath(["/partner"], ORIGIN)).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { pemDecodeAll, pemEncode } from "./pem";

describe("pemDecodeAll", () => {
  it("reads every block, with mismatched labels marked invalid and a BEGIN without END skipped", () => {
    const a = pemEncode("CERTIFICATE", Uint8Array.of(1, 2, 3));
    const b = pemEncode("PRIVATE KEY", Uint8Array.of(4, 5)).replace("END PRIVATE KEY", "END PUBLIC KEY");
    const blocks = pemDecodeAll(`text before\n-----BEGIN CUT-----\nAAAA\n${a}between\n${b}`);
    expect(blocks.map((x) => [x.label, x.endLabel, x.valid, [...x.der]])).toEqual([
      ["CERTIFICATE", "CERTIFICATE", true, [1, 2, 3]],
      ["PRIVATE KEY", "PUBLIC KEY", false, [4, 5]],
    ]);
  });

  it("takes time linear in the text: 512 KiB of BEGIN lines without END (quadratic before: ~10 s)", () => {
    const text = "-----BEGIN A-----\n".repeat(Math.floor((512 * 1024) / 18));
    const start = performance.now();
    expect(pemDecodeAll(text)).toEqual([]);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});

// Differential fuzz of the project's DER reader (asn1-nodes.ts) against OpenSSL: byte-level
// mutations of real CSRs. Whatever intake and parsing accept (with a subject that can be
// certified; the self-signature of a mutated CSR fails, which is not what is under test here),
// `openssl req -inform DER` must load too. Seeded, so a failure reproduces.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTool } from "@/lib/pki/interop/tools";
import { prng } from "@/lib/pki/name/crafted-der";
import { readCsr } from "./parse-csr";

let dir: string;
const seeds: Uint8Array[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "keyport-der-fuzz-"));
  for (const [i, newkey] of [["rsa:2048"], ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"]].entries()) {
    const out = join(dir, `seed${i}.der`);
    execFileSync("openssl", ["req", "-new", "-newkey", ...newkey, "-nodes", "-keyout", join(dir, `k${i}.pem`), "-subj", "/C=NO/O=Acme/CN=fuzz", "-addext", "subjectAltName=DNS:a.example,IP:192.0.2.1", "-addext", "basicConstraints=critical,CA:FALSE", "-outform", "DER", "-out", out], { stdio: "pipe" });
    seeds.push(new Uint8Array(readFileSync(out)));
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Mutations that hit the header octets a DER reader must get right. */
function mutate(src: Uint8Array, r: () => number): Uint8Array {
  const b = Array.from(src);
  const at = Math.floor(r() * b.length);
  switch (Math.floor(r() * 6)) {
    case 0:
      b[at] ^= 1 << Math.floor(r() * 8);
      break;
    case 1:
      b[at] = [0x00, 0x80, 0x81, 0x82, 0xff, 0x7f, 0x30, 0x31, 0x2c, 0x24, 0xa0][Math.floor(r() * 11)];
      break;
    case 2:
      b.splice(at, 1);
      break;
    case 3:
      b.splice(at, 0, [0x00, 0x80, 0x81][Math.floor(r() * 3)]);
      break;
    case 4:
      b[at] = (b[at] + 1) & 0xff;
      break;
    default:
      b[at] = (b[at] - 1) & 0xff;
  }
  return Uint8Array.from(b);
}

describe("asn1-nodes against OpenSSL", () => {
  it("every mutated CSR that intake and parsing accept loads in openssl req", async () => {
    const r = prng(0xde5);
    const accepted: string[] = [];
    let refused = 0;
    for (let n = 0; n < 600; n++) {
      const input = mutate(seeds[n % seeds.length], r);
      const read = await readCsr(input);
      if (!read.ok || !read.csr.certificateSubject.ok) {
        refused++;
        continue;
      }
      const file = join(dir, `m${n}.der`);
      writeFileSync(file, input);
      accepted.push(file);
    }
    expect(refused).toBeGreaterThan(100);
    expect(accepted.length).toBeGreaterThan(20);
    // One openssl process per file, a few at a time.
    for (let i = 0; i < accepted.length; i += 8) {
      const batch = accepted.slice(i, i + 8);
      const results = await Promise.all(batch.map((f) => runTool("openssl", ["req", "-inform", "DER", "-in", f, "-noout"])));
      for (const [j, res] of results.entries()) expect(res.code, `${batch[j]}: ${res.output}`).toBe(0);
    }
  });
});

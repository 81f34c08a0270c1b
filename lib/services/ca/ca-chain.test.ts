// The environment CRL as /crl/{ENV}.crl serves it: always the latest row, its DER read once per process.
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { makeWorld } from "@/lib/testing/world";
import { getEnvironmentCrl } from "@/lib/services/ca/ca-chain";

afterAll(disconnectDb);

describe("getEnvironmentCrl", () => {
  it("answers the latest CRL, and a newer one as soon as it is written", async () => {
    const w = await makeWorld();
    const first = await getEnvironmentCrl(w.env.code, "issuing");
    expect(await getEnvironmentCrl(w.env.code, "issuing")).toEqual(first);
    const next = await getDb().crl.create({
      data: { caId: first.caId, number: first.number + 1n, thisUpdate: new Date(), nextUpdate: new Date(Date.now() + 86_400_000), entries: 0, der: new Uint8Array([0x30, 0x00]) },
    });
    const latest = await getEnvironmentCrl(w.env.code, "issuing");
    expect([latest.id, latest.number, Buffer.from(latest.der).toString("hex")]).toEqual([next.id, first.number + 1n, "3000"]);
    // The root's CRL is its own.
    expect((await getEnvironmentCrl(w.env.code, "root")).caId).not.toBe(first.caId);
  });
});

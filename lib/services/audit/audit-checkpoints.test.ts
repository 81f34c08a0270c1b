// Signed checkpoints of the audit chain's head as services: made on demand by officers and
// admins (and recorded), stored and downloadable, made by `keyport jobs run` only when the head
// moved (once, however many instances run), and checked by verifyAuditTrail. Every role probed.
import { afterAll, describe, expect, it } from "vitest";
import { CLI_ACTOR } from "@/lib/auth/actor";
import { disconnectDb, getDb } from "@/lib/db/client";
import { runCli } from "@/lib/cli/run-cli";
import { checkpointText, parseCheckpointFile } from "@/lib/audit/checkpoint-file";
import { verifyCheckpointSignature } from "@/lib/ca/checkpoint-key";
import { runJobs } from "@/lib/services/jobs/run-jobs";
import { createOrganisation } from "@/lib/services/organisations/create-organisation";
import { makeWorld, uniq } from "@/lib/testing/world";
import { checkpointIfHeadMoved, createAuditCheckpoint } from "./create-audit-checkpoint";
import { getAuditCheckpointFile, getCheckpointPublicKey, listAuditCheckpoints } from "./read-audit-checkpoints";
import { verifyAuditTrail } from "./verify-audit-trail";

afterAll(disconnectDb);

const anotherEvent = () => createOrganisation(CLI_ACTOR, { code: `org-${uniq()}`, legalName: "Moves the head AS", groupEmail: "h@x.test" });
const counts = async () => ({ events: await getDb().auditEvent.count(), checkpoints: await getDb().auditCheckpoint.count() });

describe("audit checkpoints", () => {
  it("officers and admins sign one of the current head, recorded as its own event; partners and gateways may not", async () => {
    const w = await makeWorld();
    for (const who of [w.officer1, w.admin]) {
      const cp = await createAuditCheckpoint(who.actor);
      expect(cp.contentType).toBe("application/json");
      expect(cp.filename).toMatch(/^keyport-audit-checkpoint-\d+-\d{8}T\d{6}\.json$/);
      // The checkpoint is of the event that records it.
      const head = await getDb().auditChainHead.findUniqueOrThrow({ where: { id: 1 } });
      expect(cp.checkpoint).toMatchObject({ seq: head.seq, hash: head.hash });
      const event = await getDb().auditEvent.findUniqueOrThrow({ where: { seq: head.seq } });
      expect(event).toMatchObject({ action: "audit.checkpoint", actorEmail: who.email, targetType: "audit_trail", details: { trigger: "download" } });
      // The file: readable fields, a signature that verifies, and the trail verifies through it.
      const { checkpoint, signature } = parseCheckpointFile(Buffer.from(cp.body));
      expect(checkpoint).toEqual({ seq: head.seq, hash: head.hash, at: cp.checkpoint.at, publicKeySha256: getCheckpointPublicKey(who.actor).sha256 });
      expect(verifyCheckpointSignature(checkpointText(checkpoint), signature)).toBe(true);
      expect(await verifyAuditTrail(who.actor, { checkpointFile: Buffer.from(cp.body) })).toMatchObject({ ok: true, checkpoint: { seq: head.seq.toString() } });
    }
    const before = await counts();
    for (const who of [w.partnerA, w.gateway]) {
      await expect(createAuditCheckpoint(who.actor)).rejects.toMatchObject({ code: "forbidden" });
    }
    expect(await counts()).toEqual(before);
  });

  it("lists and downloads stored checkpoints and the public key for officers and admins only", async () => {
    const w = await makeWorld();
    const made = await createAuditCheckpoint(w.officer1.actor);
    for (const who of [w.officer1, w.admin]) {
      const list = await listAuditCheckpoints(who.actor);
      expect(list[0]).toMatchObject({ id: made.checkpoint.id, seq: made.checkpoint.seq.toString(), trigger: "download" });
      const file = await getAuditCheckpointFile(who.actor, made.checkpoint.id);
      expect(file.body).toBe(made.body);
      expect(file.filename).toBe(made.filename);
      const key = getCheckpointPublicKey(who.actor);
      expect(key).toMatchObject({ contentType: "application/x-pem-file", filename: "keyport-audit-checkpoint-key.pem" });
      expect(key.body).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/);
    }
    await expect(getAuditCheckpointFile(w.officer1.actor, "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({ code: "not_found" });
    await expect(getAuditCheckpointFile(w.officer1.actor, "../etc/passwd")).rejects.toMatchObject({ code: "not_found" });
    for (const who of [w.partnerA, w.gateway]) {
      await expect(listAuditCheckpoints(who.actor)).rejects.toMatchObject({ code: "forbidden" });
      await expect(getAuditCheckpointFile(who.actor, made.checkpoint.id)).rejects.toMatchObject({ code: "forbidden" });
      expect(() => getCheckpointPublicKey(who.actor)).toThrow(expect.objectContaining({ code: "forbidden" }));
      await expect(verifyAuditTrail(who.actor)).rejects.toMatchObject({ code: "forbidden" });
    }
  });

  it("jobs make one only when the head moved since the newest, once however many instances run", async () => {
    await anotherEvent();
    const first = await checkpointIfHeadMoved(CLI_ACTOR);
    expect(first.action).toBe("created");
    const newest = await getDb().auditCheckpoint.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect(newest).toMatchObject({ seq: BigInt(first.seq!), trigger: "jobs" });
    expect(await getDb().auditEvent.findUniqueOrThrow({ where: { seq: newest.seq } })).toMatchObject({ action: "audit.checkpoint", actorEmail: "cli", details: { trigger: "jobs" } });
    // Its own event is the head: nothing moved.
    expect(await checkpointIfHeadMoved(CLI_ACTOR)).toEqual({ action: "unchanged", seq: first.seq });
    // Settle the shared database: renew whatever CRLs other tests left due (their events move the head), checkpoint that.
    const settled = (await runJobs(CLI_ACTOR)).checkpoint!;
    const still = await counts();
    expect((await runJobs(CLI_ACTOR)).checkpoint).toEqual({ action: "unchanged", seq: settled.seq });
    expect(await counts()).toEqual(still);

    // The head moves; three instances run at once: one checkpoint, one event.
    await anotherEvent();
    const before = await counts();
    const runs = await Promise.all([1, 2, 3].map(() => runJobs(CLI_ACTOR)));
    expect(runs.map((r) => r.checkpoint?.action).sort()).toEqual(["created", "unchanged", "unchanged"]);
    expect(await counts()).toEqual({ events: before.events + 1, checkpoints: before.checkpoints + 1 });
    expect(new Set(runs.map((r) => r.checkpoint?.seq)).size).toBe(1);
    // A run scoped to one environment (gateway nginx|sync) renews its CRLs only.
    await anotherEvent();
    expect((await runJobs(CLI_ACTOR, undefined, { envCode: "NONE" })).checkpoint).toBeNull();

    await anotherEvent();
    const out: string[] = [];
    expect(await runCli(["jobs", "run"], { out: (s) => out.push(s), err: () => {} }, { migrate: async () => [] })).toBe(0);
    expect(out.at(-1)).toMatch(/^created  audit checkpoint of event #\d+$/);
    out.length = 0;
    expect(await runCli(["jobs", "run"], { out: (s) => out.push(s), err: () => {} }, { migrate: async () => [] })).toBe(0);
    expect(out.at(-1)).toMatch(/^fresh    audit checkpoint of event #\d+ \(the head has not moved\)$/);
  });

  it("the CLI prints a checkpoint and the public key, and refuses to overwrite a file", async () => {
    const io = () => {
      const out: string[] = [];
      const err: string[] = [];
      return { out, err, io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) } };
    };
    const a = io();
    expect(await runCli(["audit", "checkpoint"], a.io, { migrate: async () => [] })).toBe(0);
    const printed = JSON.parse(a.out.join("\n"));
    expect(printed).toMatchObject({ format: "keyport-audit-checkpoint/1", signatureAlgorithm: "Ed25519" });
    expect(a.err.join("\n")).toMatch(new RegExp(`^Signed a checkpoint of event #${printed.seq}\\. Keep it outside Keyport's database`));
    const b = io();
    expect(await runCli(["audit", "checkpoint-key"], b.io, { migrate: async () => [] })).toBe(0);
    expect(b.out.join("\n")).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(b.err.join("\n")).toBe(`Checkpoint public key, SHA-256 ${printed.publicKeySha256}.`);

    const before = await counts();
    const c = io();
    expect(await runCli(["audit", "checkpoint", "--out", "package.json"], c.io, { migrate: async () => [] })).toBe(2);
    expect(c.err.join("\n")).toBe("keyport audit checkpoint: package.json exists already; choose another name.");
    expect(await counts()).toEqual(before);
  });
});

// A database administrator rewrites the audit trail (issue 14, finding 5), on real PostgreSQL.
// The attacker can do anything in the database: `SET session_replication_role = replica` (the
// append-only and forward-only triggers then sleep), UPDATE and DELETE events, recompute every
// later hash with any unkeyed function (plain SHA-256 of the event's fields, the keyed body
// without the key, the project's own legacy hash with the rows relabelled legacy) and move the
// chain's head to match. What the attacker does not have is the master key. `keyport audit verify`
// must then report the trail broken and name the first altered or missing event; the newest
// events deleted together with a rolled-back head are found against a signed checkpoint.
//
// One world is built in a database of its own; each attack runs on a copy of it
// (CREATE DATABASE … TEMPLATE), committed, as the attacker would leave it.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_ACTOR } from "@/lib/auth/actor";
import { disconnectDb, getDb } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrations";
import { runCli } from "@/lib/cli/run-cli";
import { sealPendingAuditEvents } from "@/lib/audit/seal-audit";
import { verifiedThrough, verifyAuditChain } from "@/lib/audit/verify-chain";
import { auditChainStatus } from "@/lib/services/audit/search-audit-events";
import { GENESIS_HASH, canonicalJson, legacyAuditHash, type AuditHashInput } from "@/lib/audit/hash";
import { checkpointFile, checkpointText } from "@/lib/audit/checkpoint-file";
import { signCheckpoint } from "@/lib/ca/checkpoint-key";
import { masterKeyId } from "@/lib/ca/master-key";
import { submitCertificateRequest } from "@/lib/services/requests/submit-request";
import { approveCertificateRequest } from "@/lib/services/requests/decide-request";
import { revokeCertificate } from "@/lib/services/certificates/revoke-certificate";
import { createOrganisation } from "@/lib/services/organisations/create-organisation";
import { makeOrganisation, makeUser, makeWorld, opensslCsr, uniq } from "@/lib/testing/world";

const SERVER = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const ROOT = path.resolve(import.meta.dirname, "../..");
const runUrl = process.env.DATABASE_URL;
const runKey = process.env.KEYPORT_MASTER_KEY;
const worldName = `keyport_tamper_${randomBytes(5).toString("hex")}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyport-tamper-"));

const urlOf = (name: string) => {
  const u = new URL(SERVER);
  u.pathname = `/${name}`;
  return u.toString();
};

async function onServer<T>(fn: (c: pg.Client) => Promise<T>, url = SERVER): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  return runCli(argv, { out: (s) => out.push(s), err: (s) => err.push(s) }, { migrate: async () => [] }).then((code) => ({ code, out: out.join("\n"), err: err.join("\n") }));
}

type Event = { seq: bigint; id: string; action: string; at: Date; actorId: string | null };
const label = (e: Event) => `event #${e.seq} (${e.id}, ${e.action} at ${e.at.toISOString()})`;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

let story: {
  events: Event[];
  approvals: Event[];
  revocations: Event[];
  scapegoat: { id: string; email: string };
};

/** Approvals (dual control, two officers each) and revocations, then later events, in a database of its own. */
async function tellStory() {
  const w = await makeWorld({ approvalsRequired: 2 });
  const scapegoat = await makeUser("officer");
  const certificates: string[] = [];
  for (let i = 0; i < 3; i++) {
    const { id } = await submitCertificateRequest(w.partnerA.actor, { environment: w.env.code, csr: opensslCsr(`/CN=${w.orgA.code}-dba-${i}`).csr });
    await approveCertificateRequest(w.officer1.actor, id);
    const approved = await approveCertificateRequest(w.officer2.actor, id);
    certificates.push(approved.certificateId!);
  }
  for (const id of certificates) await revokeCertificate(w.officer1.actor, id, { reason: "keyCompromise" });
  await makeOrganisation(); // later events, which the attacker must rewrite too
  await sealPendingAuditEvents();
  const events = (await getDb().auditEvent.findMany({ where: { seq: { not: null } }, orderBy: { seq: "asc" }, select: { seq: true, id: true, action: true, at: true, actorId: true } })).map((e) => ({ ...e, seq: e.seq! }));
  return {
    events,
    approvals: events.filter((e) => e.action === "certificate_request.approve" && e.actorId === w.officer1.id),
    revocations: events.filter((e) => e.action === "certificate.revoke"),
    scapegoat: { id: scapegoat.id, email: scapegoat.email },
  };
}

beforeAll(async () => {
  await onServer((c) => c.query(`CREATE DATABASE ${worldName}`));
  await applyMigrations(urlOf(worldName));
  await disconnectDb();
  process.env.DATABASE_URL = urlOf(worldName);
  story = await tellStory();
  await disconnectDb();
}, 180_000);

afterAll(async () => {
  await disconnectDb();
  process.env.DATABASE_URL = runUrl;
  process.env.KEYPORT_MASTER_KEY = runKey;
  await onServer((c) => c.query(`DROP DATABASE IF EXISTS ${worldName} WITH (FORCE)`));
  fs.rmSync(dir, { recursive: true, force: true });
});

let copies = 0;
/** Run fn against a fresh copy of the world (services and the CLI use it too); the copy is dropped afterwards. */
async function onCopy<T>(fn: (c: pg.Client) => Promise<T>, template = worldName): Promise<T> {
  await disconnectDb();
  const name = `${worldName}_${++copies}`;
  await onServer((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  process.env.DATABASE_URL = urlOf(name);
  try {
    return await onServer(fn, urlOf(name));
  } finally {
    await disconnectDb();
    process.env.DATABASE_URL = urlOf(worldName);
    process.env.KEYPORT_MASTER_KEY = runKey;
    await onServer((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
}

// ---------------------------------------------------------------------------
// The attacker's tools: SQL, and hash functions anyone can compute.

type EventRow = AuditHashInput & { seq: string };
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const fieldsOf = (r: EventRow) => ({
  id: r.id,
  actorId: r.actorId,
  actorEmail: r.actorEmail,
  orgId: r.orgId,
  action: r.action,
  targetType: r.targetType,
  targetId: r.targetId,
  sourceIp: r.sourceIp,
  details: r.details,
  prevHash: r.prevHash,
  at: r.at.toISOString(),
});

type Rehash = (r: EventRow) => { hash: string; chainVersion?: 1 };
/** How the attacker recomputes, and what verify then says about the first altered event. */
const REHASHES: [string, Rehash, string][] = [
  ["plain SHA-256 of the event's fields", (r) => ({ hash: sha256(canonicalJson(fieldsOf(r))) }), "its content does not match its hash (the event was altered)"],
  [
    "plain SHA-256 of the keyed body (the fields and chainVersion 2), without the key",
    (r) => ({ hash: sha256(canonicalJson({ ...fieldsOf(r), chainVersion: 2 })) }),
    "its content does not match its hash (the event was altered)",
  ],
  [
    "the project's old hash function (legacyAuditHash), the rows relabelled legacy",
    (r) => ({ hash: legacyAuditHash(r), chainVersion: 1 }),
    "it carries the unkeyed legacy hash after keyed event #",
  ],
];

/**
 * As a database administrator: triggers asleep, approvals re-attributed, events deleted,
 * then (with a rehash) every later link and hash recomputed and the head moved to match.
 */
async function rewriteTrail(c: pg.Client, opts: { reattribute?: Event[]; to?: { id: string; email: string }; remove?: Event[]; rehash?: Rehash }) {
  const touched = [...(opts.reattribute ?? []), ...(opts.remove ?? [])].map((e) => e.seq);
  const from = touched.reduce((a, b) => (b < a ? b : a));
  await c.query("BEGIN");
  await c.query("SET LOCAL session_replication_role = replica");
  for (const e of opts.reattribute ?? []) {
    await c.query("UPDATE audit_events SET actor_id = $1, actor_email = $2 WHERE seq = $3", [opts.to!.id, opts.to!.email, e.seq.toString()]);
  }
  if (opts.remove?.length) await c.query("DELETE FROM audit_events WHERE seq = ANY($1::bigint[])", [opts.remove.map((e) => e.seq.toString())]);
  if (opts.rehash) {
    const before = await c.query("SELECT hash FROM audit_events WHERE seq < $1 ORDER BY seq DESC LIMIT 1", [from.toString()]);
    let prev: string = before.rows[0]?.hash ?? GENESIS_HASH;
    const { rows } = await c.query("SELECT * FROM audit_events WHERE seq >= $1 ORDER BY seq", [from.toString()]);
    let last = "";
    for (const r of rows) {
      const row: EventRow = {
        seq: r.seq,
        id: r.id,
        at: r.at,
        actorId: r.actor_id,
        actorEmail: r.actor_email,
        orgId: r.org_id,
        action: r.action,
        targetType: r.target_type,
        targetId: r.target_id,
        sourceIp: r.source_ip,
        details: r.details,
        prevHash: prev,
      };
      const { hash, chainVersion } = opts.rehash(row);
      await c.query("UPDATE audit_events SET prev_hash = $1, hash = $2, chain_version = COALESCE($3, chain_version) WHERE seq = $4", [prev, hash, chainVersion ?? null, r.seq]);
      prev = hash;
      last = r.seq;
    }
    await c.query("UPDATE audit_chain_head SET seq = $1, hash = $2, updated_at = now()", [last, prev]);
  }
  await c.query("COMMIT");
}

const before = (seq: bigint) => story.events.filter((e) => e.seq < seq).length;
const next = (e: Event) => story.events.find((x) => x.seq > e.seq)!;

// ---------------------------------------------------------------------------

describe("a database administrator without the master key", () => {
  it("re-attributes two approvals to another officer, deletes two revocations and recomputes every later hash and the head: verify names the first altered event", async () => {
    const [first, second] = story.approvals;
    expect(story.approvals.length).toBeGreaterThanOrEqual(2);
    expect(story.revocations.length).toBeGreaterThanOrEqual(2);
    for (const [how, rehash, reason] of REHASHES) {
      await onCopy(async (c) => {
        expect((await cli(["audit", "verify"])).code, how).toBe(0);
        await rewriteTrail(c, { reattribute: [first, second], to: story.scapegoat, remove: story.revocations.slice(0, 2), rehash });
        // The rewrite took: the approvals now name the scapegoat, the revocations are gone, every link holds.
        const { rows } = await c.query("SELECT actor_email FROM audit_events WHERE seq = $1", [first.seq.toString()]);
        expect(rows[0].actor_email).toBe(story.scapegoat.email);
        expect((await c.query("SELECT count(*)::int AS n FROM audit_events WHERE action = 'certificate.revoke'")).rows[0].n).toBe(story.revocations.length - 2);

        const r = await cli(["audit", "verify"]);
        expect(r.code, `${how}: ${r.out}${r.err}`).toBe(1);
        expect(r.out, how).not.toMatch(/intact/);
        expect(r.err, how).toMatch(new RegExp(`^Audit trail BROKEN after ${before(first.seq)} verified event\\(s\\): ${escape(label(first))} — ${escape(reason)}`));
      });
    }
  });

  it("deletes two revocation events: verify names the gap, whether or not the later events were relinked", async () => {
    const [gone, alsoGone] = story.revocations;
    const after = next(gone);
    const prev = story.events[before(gone.seq) - 1];
    const gap = `the trail holds no event between #${prev.seq} and #${after.seq} (#${gone.seq} missing)`;
    await onCopy(async (c) => {
      await rewriteTrail(c, { remove: [gone, alsoGone] });
      const r = await cli(["audit", "verify"]);
      expect(r.code, r.out).toBe(1);
      expect(r.err).toBe(
        `Audit trail BROKEN after ${before(gone.seq)} verified event(s): ${label(after)} — its link to the previous event does not match (an event before it was deleted or altered); ${gap}`,
      );
    });
    await onCopy(async (c) => {
      await rewriteTrail(c, { remove: [gone, alsoGone], rehash: REHASHES[0][1] });
      const r = await cli(["audit", "verify"]);
      expect(r.code, r.out).toBe(1);
      expect(r.err).toBe(`Audit trail BROKEN after ${before(gone.seq)} verified event(s): ${label(after)} — its content does not match its hash (the event was altered); ${gap}`);
    });
  });

  it("deletes the newest events and rolls the head back: only a checkpoint shows it, and it names where the trail now ends", async () => {
    await onCopy(async (c) => {
      const file = path.join(dir, `checkpoint-${uniq()}.json`);
      const made = await cli(["audit", "checkpoint", "--out", file]);
      expect(made.code, made.err).toBe(0);
      const checkpointSeq = BigInt(JSON.parse(fs.readFileSync(file, "utf8")).seq);
      await createOrganisation(CLI_ACTOR, { code: `org-${uniq()}`, legalName: "Later AS", groupEmail: "later@x.test" });
      await sealPendingAuditEvents(); // sealed before the attack (not by a sealer pass in the middle of it)
      const ok = await cli(["audit", "verify", "--checkpoint", file]);
      expect(ok.code, ok.err).toBe(0);
      expect(ok.out).toMatch(new RegExp(`\\nCheckpoint of .* verified: its signature holds, event #${checkpointSeq} has its hash, and the chain holds from it to the head\\.$`));

      // Truncate from the last revocation on (it, its CRL, the checkpoint and everything later), hide the
      // checkpoints, and roll the head back to the event before: every remaining link and the head agree.
      const keep = story.events[before(story.revocations.at(-1)!.seq) - 1];
      await c.query("BEGIN");
      await c.query("SET LOCAL session_replication_role = replica");
      await c.query("DELETE FROM audit_events WHERE seq > $1", [keep.seq.toString()]);
      await c.query("DELETE FROM audit_checkpoints");
      await c.query("UPDATE audit_chain_head SET seq = e.seq, hash = e.hash FROM audit_events e WHERE e.seq = $1", [keep.seq.toString()]);
      await c.query("COMMIT");

      const alone = await cli(["audit", "verify"]);
      expect(alone.code).toBe(0); // what a head inside the database cannot show (README: keep checkpoints outside it)
      expect(alone.err).toMatch(/Without --checkpoint FILE, the newest events deleted together with a rolled-back head cannot be seen/);
      const r = await cli(["audit", "verify", "--checkpoint", file]);
      expect(r.code, r.out).toBe(1);
      expect(r.err).toMatch(
        new RegExp(
          `^Audit trail BROKEN after ${before(keep.seq) + 1} verified event\\(s\\): the events after ${escape(label(keep))} — the checkpoint of \\S+ records event #${checkpointSeq}, but the trail and its head end at #${keep.seq}: the newest event\\(s\\) were deleted and the head rolled back$`,
        ),
      );
    });
  });

  it("relabels the whole trail legacy (unkeyed) and recomputes it: verify warns it proves nothing, and a checkpoint shows the rewrite", async () => {
    await onCopy(async (c) => {
      const file = path.join(dir, `checkpoint-${uniq()}.json`);
      expect((await cli(["audit", "checkpoint", "--out", file])).code).toBe(0);
      const checkpointSeq = BigInt(JSON.parse(fs.readFileSync(file, "utf8")).seq);
      const firstEvent = story.events[0];
      await rewriteTrail(c, { reattribute: story.approvals.slice(0, 2), to: story.scapegoat, remove: [firstEvent], rehash: REHASHES[2][1] });
      await c.query("BEGIN");
      await c.query("SET LOCAL session_replication_role = replica");
      await c.query("UPDATE audit_chain_head SET key_id = NULL");
      await c.query("COMMIT");

      const alone = await cli(["audit", "verify"]);
      expect(alone.code).toBe(0);
      expect(alone.out).toMatch(/\nAll \d+ are legacy events \(unkeyed SHA-256\): no keyed event seals them yet, so whoever can write the database could have rewritten them\.$/);
      const r = await cli(["audit", "verify", "--checkpoint", file]);
      expect(r.code, r.out).toBe(1);
      expect(r.err).toMatch(new RegExp(`^Audit trail BROKEN after \\d+ verified event\\(s\\): event #${checkpointSeq} \\(.*audit\\.checkpoint.*\\) — its hash is not the one the checkpoint of \\S+ records \\([0-9a-f]{64}\\): the trail up to it was rewritten`));
    });
  });
});

describe("a walk resumed after a verified prefix (the audit page's chain status)", () => {
  it("checks only the events since, finds a rewrite of them or of the prefix's last event, and says when the trail was last walked in full", async () => {
    await onCopy(async (c) => {
      const full = await verifyAuditChain();
      expect(full.ok).toBe(true);
      const through = verifiedThrough(full)!;
      expect(through.seq).toBe(story.events[story.events.length - 1].seq);
      // New events after the prefix: the resumed walk counts the same as a full one.
      await makeOrganisation();
      await makeOrganisation();
      await sealPendingAuditEvents();
      const resumed = await verifyAuditChain(getDb(), { after: through });
      const again = await verifyAuditChain();
      expect(resumed).toEqual(again);
      expect(resumed.ok && resumed.rows).toBe(story.events.length + 2);

      // The page's status: a full walk first, then resumed ones; the full walk's time stays.
      const first = await auditChainStatus(CLI_ACTOR);
      expect(first).toMatchObject({ ok: true, rows: story.events.length + 2 });
      await makeOrganisation();
      await sealPendingAuditEvents();
      const second = await auditChainStatus(CLI_ACTOR);
      expect(second).toMatchObject({ ok: true, rows: story.events.length + 3 });
      expect(second.fullAt).toEqual(first.fullAt);

      // An event after the prefix rewritten (and relinked): found, as a full walk finds it.
      const newest = verifiedThrough(second)!;
      const { rows } = await c.query("SELECT seq FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT 1", [through.seq.toString()]);
      const victim = { seq: BigInt(rows[0].seq) };
      await c.query("BEGIN");
      await c.query("SET LOCAL session_replication_role = replica");
      await c.query(`UPDATE audit_events SET details = '{"forged": true}' WHERE seq = $1`, [victim.seq.toString()]);
      await c.query("COMMIT");
      const tampered = await verifyAuditChain(getDb(), { after: through });
      expect(tampered).toMatchObject({ ok: false, reason: expect.stringMatching(/its content does not match its hash/) });
      expect(tampered).toEqual(await verifyAuditChain());

      // The prefix's last event rewritten: the resumed walk refuses to build on it.
      await c.query("BEGIN");
      await c.query("SET LOCAL session_replication_role = replica");
      await c.query("UPDATE audit_events SET hash = $1 WHERE seq = $2", ["0".repeat(64), newest.seq.toString()]);
      await c.query("COMMIT");
      expect(await verifyAuditChain(getDb(), { after: newest })).toMatchObject({ ok: false, brokenAt: `event #${newest.seq}`, reason: expect.stringMatching(/the trail was rewritten since/) });
      // And the page, whose prefix it was, shows the chain broken from then on.
      expect(await auditChainStatus(CLI_ACTOR)).toMatchObject({ ok: false });
    });
  });
});

describe("checkpoint files", () => {
  it("are refused when edited, forged, another installation's, or not checkpoints at all (exit 2, nothing checked)", async () => {
    await onCopy(async () => {
      const file = path.join(dir, `checkpoint-${uniq()}.json`);
      expect((await cli(["audit", "checkpoint", "--out", file])).code).toBe(0);
      const original = JSON.parse(fs.readFileSync(file, "utf8"));
      expect(original).toMatchObject({ format: "keyport-audit-checkpoint/1", seq: expect.stringMatching(/^\d+$/), hash: expect.stringMatching(/^[0-9a-f]{64}$/), signatureAlgorithm: "Ed25519" });
      const variant = (name: string, body: unknown) => {
        const f = path.join(dir, `${name}-${uniq()}.json`);
        fs.writeFileSync(f, typeof body === "string" ? body : JSON.stringify(body));
        return f;
      };
      const cases: [string, string, RegExp][] = [
        ["seq edited", variant("seq", { ...original, seq: "1" }), /do not match its signedText: one of them was edited/],
        [
          "seq and text edited",
          variant("both", { ...original, seq: "1", signedText: original.signedText.replace(`seq: ${original.seq}`, "seq: 1") }),
          /NOT VERIFIED after 0 verified event\(s\): the checkpoint — its signature does not verify: the file was edited or forged/,
        ],
        ["not JSON", variant("text", "seq=1"), /is not valid JSON/],
        ["not a checkpoint", variant("other", { format: "something-else" }), /is not a Keyport audit checkpoint \(format: format must be "keyport-audit-checkpoint\/1"\)/],
        ["too large", variant("large", { ...original, pad: "x".repeat(20_000) }), / is \d+ bytes; at most 16384 are accepted\.$/],
        ["missing", path.join(dir, "no-such-file.json"), /Cannot read .*no such file/],
      ];
      for (const [what, f, message] of cases) {
        const r = await cli(["audit", "verify", "--checkpoint", f]);
        expect(r.code, what).toBe(2);
        expect(r.err, what).toMatch(message);
        expect(r.err.split("\n"), what).toHaveLength(1);
      }
      // Genuinely signed, but naming a hash the event does not have (e.g. another installation's trail at the same seq).
      const at = new Date();
      const claim = { seq: BigInt(original.seq), hash: "ab".repeat(32), at };
      const { signature, publicKeySha256 } = signCheckpoint((fp) => checkpointText({ ...claim, publicKeySha256: fp }));
      const wrongHash = variant("wrong-hash", checkpointFile({ ...claim, publicKeySha256 }, signature));
      const r = await cli(["audit", "verify", "--checkpoint", wrongHash]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(new RegExp(`BROKEN .*event #${original.seq} .* its hash is not the one the checkpoint of ${escape(at.toISOString())} records \\(${"ab".repeat(32)}\\)`));
    });
  });
});

describe("the master key", () => {
  it("is needed to record an event and to verify the keyed chain; another key is refused, and verify says it cannot check", async () => {
    await onCopy(async () => {
      const file = path.join(dir, `checkpoint-${uniq()}.json`);
      expect((await cli(["audit", "checkpoint", "--out", file])).code).toBe(0);
      const count = () => getDb().auditEvent.count();
      const events = await count();
      const org = () => createOrganisation(CLI_ACTOR, { code: `org-${uniq()}`, legalName: "Keyless AS", groupEmail: "k@x.test" });

      delete process.env.KEYPORT_MASTER_KEY;
      await expect(org()).rejects.toThrow(/^No master key: set KEYPORT_MASTER_KEY/);
      expect(await count()).toBe(events);
      expect(await getDb().organisation.count({ where: { legalName: "Keyless AS" } })).toBe(0);
      const first = story.events[0];
      const keyless = await cli(["audit", "verify"]);
      expect(keyless.code).toBe(2);
      expect(keyless.err).toBe(
        `Audit trail NOT VERIFIED after 0 verified event(s): ${label(first)} — it and the events after it are sealed with a key derived from the master key, which is needed to check them. ${(await loadMessage())}`,
      );
      const keylessCheckpoint = await cli(["audit", "verify", "--checkpoint", file]);
      expect(keylessCheckpoint.code).toBe(2);
      expect(keylessCheckpoint.err).toMatch(/NOT VERIFIED .*the checkpoint — its signature can only be checked with the master key\. No master key: set KEYPORT_MASTER_KEY/);

      const other = randomBytes(32).toString("hex");
      process.env.KEYPORT_MASTER_KEY = other;
      const runId = masterKeyId(Buffer.from(runKey!, "hex"));
      const otherId = masterKeyId(Buffer.from(other, "hex"));
      await expect(org()).rejects.toThrow(`The configured master key (id ${otherId}) is not the one the audit trail is sealed under (id ${runId}): nothing was recorded.`);
      expect(await count()).toBe(events);
      const wrong = await cli(["audit", "verify"]);
      expect(wrong.code).toBe(2);
      expect(wrong.err).toMatch(new RegExp(`^Audit trail NOT VERIFIED after 0 verified event\\(s\\): ${escape(label(first))} — the trail is sealed under master key id ${runId}, but the configured master key has id ${otherId}\\.`));
      const foreign = await cli(["audit", "verify", "--checkpoint", file]);
      expect(foreign.code).toBe(2);
      expect(foreign.err).toMatch(/it was signed by the key with SHA-256 [0-9A-F:]{95}, but the configured master key's checkpoint key is [0-9A-F:]{95}: it is another installation's checkpoint, or the master key is not the original/);

      process.env.KEYPORT_MASTER_KEY = runKey;
      await org();
      expect((await cli(["audit", "verify", "--checkpoint", file])).code).toBe(0);
    });
  });
});

/** The master key module's message when none is configured (quoted whole by verify). */
async function loadMessage(): Promise<string> {
  const { loadMasterKey } = await import("@/lib/ca/master-key");
  try {
    loadMasterKey({} as unknown as NodeJS.ProcessEnv);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected no master key");
}

describe("an installation upgraded from the unkeyed chain", () => {
  it("keeps its legacy events verifiable, seals them with the first keyed event, and refuses a legacy event after a keyed one", async () => {
    const name = `${worldName}_legacy`;
    const url = urlOf(name);
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "keyport-legacy-"));
    const legacyRow = (r: Record<string, string | Date | null | object>, prevHash: string): EventRow => ({
      seq: String(r.seq),
      id: String(r.id),
      at: r.at as Date,
      actorId: r.actor_id as string | null,
      actorEmail: r.actor_email as string | null,
      orgId: r.org_id as string | null,
      action: String(r.action),
      targetType: r.target_type as string | null,
      targetId: r.target_id as string | null,
      sourceIp: r.source_ip as string | null,
      details: r.details,
      prevHash,
    });
    await disconnectDb();
    try {
      // The database as the release before the keyed chain left it: three events under the unkeyed SHA-256.
      fs.cpSync(path.join(ROOT, "prisma"), path.join(scratch, "prisma"), { recursive: true });
      const all = fs.readdirSync(path.join(scratch, "prisma", "migrations")).filter((n) => /^\d+_/.test(n)).sort();
      const keyed = all.find((n) => n.endsWith("_audit_keyed_chain"))!;
      const later = all.filter((n) => n >= keyed);
      for (const n of later) fs.rmSync(path.join(scratch, "prisma", "migrations", n), { recursive: true });
      await onServer((c) => c.query(`CREATE DATABASE ${name}`));
      await applyMigrations(url, { root: scratch });
      await onServer(async (c) => {
        let prev = GENESIS_HASH;
        for (const [n, action] of ["organisation.create", "user.create", "token.create"].entries()) {
          const row = legacyRow({ seq: "", id: randomUUID(), at: new Date(), actor_id: null, actor_email: "cli", org_id: null, action, target_type: null, target_id: null, source_ip: null, details: { n } }, prev);
          const hash = legacyAuditHash(row);
          const { rows } = await c.query("INSERT INTO audit_events (id, at, actor_email, action, details, prev_hash, hash) VALUES ($1, $2, 'cli', $3, $4, $5, $6) RETURNING seq", [row.id, row.at, action, row.details, prev, hash]);
          await c.query("INSERT INTO audit_chain_head (id, seq, hash, updated_at) VALUES (1, $1, $2, now()) ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash", [rows[0].seq, hash]);
          prev = hash;
        }
      }, url);
      // The upgrade: the rows already there are version 1.
      expect((await applyMigrations(url)).applied).toEqual(later);
      expect((await onServer((c) => c.query("SELECT array_agg(chain_version ORDER BY seq) AS v FROM audit_events"), url)).rows[0].v).toEqual([1, 1, 1]);
      process.env.DATABASE_URL = url;

      const upgraded = await cli(["audit", "verify"]);
      expect(upgraded.code, upgraded.err).toBe(0);
      expect(upgraded.out).toMatch(/^Audit trail intact: 3 event\(s\), every hash and link verified; head #3 [0-9a-f]{64}\.\nAll 3 are legacy events \(unkeyed SHA-256\)/);
      await createOrganisation(CLI_ACTOR, { code: `org-${uniq()}`, legalName: "After the upgrade AS", groupEmail: "a@x.test" });
      await sealPendingAuditEvents();
      const sealed = await cli(["audit", "verify"]);
      expect(sealed.code, sealed.err).toBe(0);
      expect(sealed.out).toMatch(/^Audit trail intact: 4 event\(s\).*\n3 of them are legacy events \(unkeyed SHA-256, written before the keyed chain\), sealed by keyed event #4\.$/);
      await disconnectDb();

      // A legacy event rewritten, every legacy hash after it recomputed: the first keyed event's link no longer holds.
      await onCopy(async (c) => {
        await c.query("BEGIN");
        await c.query("SET LOCAL session_replication_role = replica");
        await c.query("UPDATE audit_events SET actor_email = 'someone-else' WHERE seq = 2");
        let prev = GENESIS_HASH;
        for (const r of (await c.query("SELECT * FROM audit_events WHERE seq <= 3 ORDER BY seq")).rows) {
          const hash = legacyAuditHash(legacyRow(r, prev));
          await c.query("UPDATE audit_events SET prev_hash = $1, hash = $2 WHERE seq = $3", [prev, hash, r.seq]);
          prev = hash;
        }
        await c.query("COMMIT");
        const r = await cli(["audit", "verify"]);
        expect(r.code).toBe(1);
        expect(r.err).toMatch(/^Audit trail BROKEN after 3 verified event\(s\): event #4 \(.*organisation\.create.*\) — its link to the previous event does not match/);
      }, name);

      // A legacy-looking event appended after the keyed one, the head moved to it: refused as such.
      await onCopy(async (c) => {
        await c.query("BEGIN");
        await c.query("SET LOCAL session_replication_role = replica");
        const newest = (await c.query("SELECT seq, hash FROM audit_events WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1")).rows[0];
        const row = legacyRow({ seq: "", id: randomUUID(), at: new Date(), actor_id: null, actor_email: "cli", org_id: null, action: "certificate.revoke", target_type: null, target_id: null, source_ip: null, details: {} }, newest.hash);
        const hash = legacyAuditHash(row);
        const { rows } = await c.query(
          "INSERT INTO audit_events (seq, id, at, actor_email, action, details, prev_hash, hash, chain_version) VALUES ($6::bigint + 1, $1, $2, 'cli', $3, '{}', $4, $5, 1) RETURNING seq",
          [row.id, row.at, row.action, newest.hash, hash, newest.seq],
        );
        await c.query("UPDATE audit_chain_head SET seq = $1, hash = $2, key_id = NULL", [rows[0].seq, hash]);
        await c.query("COMMIT");
        const r = await cli(["audit", "verify"]);
        expect(r.code).toBe(1);
        expect(r.err).toMatch(/^Audit trail BROKEN after 4 verified event\(s\): event #5 \(.*certificate\.revoke.*\) — it carries the unkeyed legacy hash after keyed event #4 \(legacy events only ever precede keyed ones: it was rewritten\)$/);
      }, name);
    } finally {
      await disconnectDb();
      process.env.DATABASE_URL = urlOf(worldName);
      await onServer((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });
});

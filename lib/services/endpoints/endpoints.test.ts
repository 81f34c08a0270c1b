// The endpoint registry through its services: every refusal names its rule and stores nothing;
// officers confirm by the environment's number of distinct officers or reject with a reason; the
// provider publishes its own entries; exports read by real tools (nginx -t, a CSV parser's rules).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { makeWorld } from "@/lib/testing/world";
import { confirmEndpoint, rejectEndpoint } from "./decide-endpoint";
import { exportEndpoints } from "./export-endpoints";
import { listProviderEndpoints, publishProviderEndpoint, removeProviderEndpoint } from "./provider-endpoints";
import { getEndpoint, listEndpoints } from "./read-endpoints";
import { registerEndpoint, removeEndpoint } from "./register-endpoint";
import { refused } from "@/lib/testing/refused";

afterAll(disconnectDb);

const counts = async () => {
  const db = getDb();
  return { endpoints: await db.partnerEndpoint.count(), provider: await db.providerEndpoint.count(), audit: await db.auditEvent.count(), approvals: await db.approval.count() };
};

describe("endpoint registry", () => {
  it("refuses every bad URL and range in production with a clear message, and stores nothing", async () => {
    const w = await makeWorld({ production: true });
    const before = await counts();
    const bad: [string, string, RegExp][] = [
      ["callback_url", "http://api.partner.eu/cb", /Only https/],
      ["callback_url", "https://u:p@api.partner.eu/cb", /user name or password/],
      ["callback_url", "https://api.partner.eu/cb?a=1", /query/],
      ["callback_url", "https://api.partner.eu/cb#x", /fragment/],
      ["callback_url", "https://127.0.0.1/cb", /loopback/],
      ["callback_url", "https://10.0.0.8/cb", /private/],
      ["callback_url", "https://[fd12::1]/cb", /unique local/],
      ["callback_url", "https://169.254.10.1/cb", /link-local/],
      ["callback_url", "https://203.0.113.7/cb", /documentation/],
      ["callback_url", "https://[2001:db8::7]/cb", /documentation/],
      ["callback_url", "https://localhost/cb", /loopback name/],
      ["callback_url", "not a url", /space or control/],
      ["ingress_cidr", "10.0.0.0/24", /private/],
      ["ingress_cidr", "198.51.100.0/24", /documentation/],
      ["ingress_cidr", "8.8.8.0/16", /host bits/],
      ["ingress_cidr", "8.0.0.0/8", /wider than \/24/],
      ["ingress_cidr", "nonsense", /not an IPv4 or IPv6/],
    ];
    for (const [kind, value, message] of bad) {
      const e = await refused(registerEndpoint(w.partnerA.actor, { environment: w.env.code, kind, value }), "validation_failed");
      expect(e.message).toMatch(message);
      expect(e.fields?.value).toBeTruthy();
    }
    await refused(registerEndpoint(w.partnerA.actor, { environment: w.env.code, kind: "nope", value: "https://api.partner.eu" }), "validation_failed");
    await refused(registerEndpoint(w.officer1.actor, { environment: w.env.code, kind: "callback_url", value: "https://api.partner.eu" }), "forbidden");
    await refused(publishProviderEndpoint(w.admin.actor, { environment: w.env.code, kind: "egress_cidr", value: "192.168.0.0/24" }), "validation_failed");
    await refused(publishProviderEndpoint(w.partnerA.actor, { environment: w.env.code, kind: "egress_cidr", value: "8.8.8.0/24" }), "forbidden");
    expect(await counts()).toEqual(before);
  });

  it("accepts private endpoints in a production environment that allows them (a warning only), and in non-production ones", async () => {
    for (const opts of [{ production: true, allowPrivateEndpoints: true }, { production: false }]) {
      const w = await makeWorld(opts);
      const r = await registerEndpoint(w.partnerA.actor, { environment: w.env.code, kind: "callback_url", value: "https://10.0.0.8:8443/cb" });
      expect(r.value).toBe("https://10.0.0.8:8443/cb");
      expect(r.findings).toEqual([expect.objectContaining({ result: "warn", code: "url.reserved_host" })]);
    }
  });

  it("stores the re-serialised value; distinct officers confirm; a rejection keeps its reason; partners see only their own", async () => {
    const w = await makeWorld({ approvalsRequired: 2, production: true });
    const cb = await registerEndpoint(w.partnerA.actor, { environment: w.env.code, kind: "callback_url", value: "https://API.Partner-A.eu:443/fsp/./callbacks/" });
    expect(cb).toMatchObject({ value: "https://api.partner-a.eu/fsp/callbacks", status: "new", kind: "callback_url" });
    await refused(registerEndpoint(w.partnerA.actor, { environment: w.env.code, kind: "callback_url", value: "https://api.partner-a.eu/fsp/callbacks" }), "conflict");
    const cidr = await registerEndpoint(w.partnerA.actor, { environment: w.env.code, kind: "ingress_cidr", value: "2a01:4f8:0:1::/64" });
    expect(cidr.value).toBe("2a01:4f8:0:1::/64");
    const one = await confirmEndpoint(w.officer1.actor, cb.id, { comment: "checked with the partner" });
    expect(one).toMatchObject({ status: "new", approvals: [expect.objectContaining({ officerId: w.officer1.id })] });
    await refused(confirmEndpoint(w.officer1.actor, cb.id), "conflict");
    await refused(confirmEndpoint(w.partnerA.actor, cb.id), "forbidden");
    expect((await confirmEndpoint(w.officer2.actor, cb.id)).status).toBe("confirmed");
    await refused(rejectEndpoint(w.officer1.actor, cidr.id, {}), "validation_failed");
    const rejected = await rejectEndpoint(w.officer1.actor, cidr.id, { reason: "Not your range (RIPE says otherwise)." });
    expect(rejected).toMatchObject({ status: "rejected", rejectionReason: "Not your range (RIPE says otherwise)." });
    // Partner B sees nothing of A's.
    expect(await listEndpoints(w.partnerB.actor, { environment: w.env.code })).toEqual([]);
    await refused(getEndpoint(w.partnerB.actor, cb.id), "not_found");
    const seen = await listEndpoints(w.partnerA.actor, { environment: w.env.code });
    expect(seen.map((e) => e.id).sort()).toEqual([cb.id, cidr.id].sort());
    // Partners see who approved, without comments.
    expect(seen.find((e) => e.id === cb.id)!.approvals[0]).not.toHaveProperty("comment");
    expect(await getDb().auditEvent.count({ where: { targetId: cb.id, action: { in: ["endpoint.register", "endpoint.approve", "endpoint.confirm"] } } })).toBe(4);
    // Removing takes it out of the exports.
    await removeEndpoint(w.partnerA.actor, cb.id);
    expect(JSON.parse(String((await exportEndpoints(w.gateway.actor, w.env.code, "json")).body)).partners).toEqual([]);
  });

  it("exports confirmed entries and the provider's as JSON, CSV and nginx blocks nginx accepts", async () => {
    const w = await makeWorld();
    const a = await registerEndpoint(w.partnerA.actor, { environment: w.env.code, kind: "callback_url", value: "https://cb.partner-a.eu:8443/fsp" });
    const a2 = await registerEndpoint(w.partnerA.actor, { environment: w.env.code, kind: "callback_url", value: "https://[2a01:4f8::10]/fsp" });
    const r = await registerEndpoint(w.partnerA.actor, { environment: w.env.code, kind: "ingress_cidr", value: "81.2.69.0/24" });
    const pending = await registerEndpoint(w.partnerB.actor, { environment: w.env.code, kind: "callback_url", value: "https://cb.partner-b.eu" });
    for (const id of [a.id, a2.id, r.id]) await confirmEndpoint(w.officer1.actor, id);
    const egress = await publishProviderEndpoint(w.admin.actor, { environment: w.env.code, kind: "egress_cidr", value: "81.2.70.0/24" });
    await publishProviderEndpoint(w.admin.actor, { environment: w.env.code, kind: "ingress_url", value: "https://api.provider.eu/fsp" });
    expect((await listProviderEndpoints(w.partnerB.actor, w.env.code)).map((e) => e.value)).toEqual(["81.2.70.0/24", "https://api.provider.eu/fsp"]);

    const json = JSON.parse(String((await exportEndpoints(w.officer1.actor, w.env.code, "json")).body));
    expect(json).toMatchObject({
      environment: w.env.code,
      provider: { egressCidrs: ["81.2.70.0/24"], ingressUrls: ["https://api.provider.eu/fsp"] },
      partners: [{ organisation: w.orgA.code, ingressCidrs: ["81.2.69.0/24"], callbacks: [{ url: "https://cb.partner-a.eu:8443/fsp", host: "cb.partner-a.eu", port: 8443, path: "/fsp" }, { url: "https://[2a01:4f8::10]/fsp", port: 443 }] }],
    });
    expect(JSON.stringify(json)).not.toContain(pending.value);
    const csv = (await exportEndpoints(w.gateway.actor, w.env.code, "csv")).body as string;
    const lines = csv.split("\r\n").filter(Boolean);
    expect(lines[0]).toBe('"environment","party","organisation","kind","value","host","port","path","confirmed_at"');
    expect(lines).toContain(`"${w.env.code}","provider","","egress_cidr","81.2.70.0/24","","","",""`);
    expect(lines.some((l) => l.startsWith(`"${w.env.code}","partner","${w.orgA.code}","callback_url","https://cb.partner-a.eu:8443/fsp","cb.partner-a.eu","8443","/fsp","`))).toBe(true);

    const conf = (await exportEndpoints(w.gateway.actor, w.env.code, "nginx")).body as string;
    expect(conf).toContain("server cb.partner-a.eu:8443;");
    expect(conf).toContain("server [2a01:4f8::10]:443;");
    expect(conf).toContain(`"${w.orgA.code}" "https://cb.partner-a.eu:8443/fsp";`);
    // nginx itself parses it (upstream host names must resolve for -t: use an IP-only copy).
    const dir = mkdtempSync(join(tmpdir(), "keyport-endpoints-nginx-"));
    try {
      mkdirSync(join(dir, "logs"));
      writeFileSync(join(dir, "endpoints.conf"), conf.replace(/server cb\.partner-a\.eu:8443;/, "server 127.0.0.1:8443;"));
      writeFileSync(
        join(dir, "nginx.conf"),
        `pid ${JSON.stringify(join(dir, "nginx.pid"))};\nerror_log ${JSON.stringify(join(dir, "logs", "error.log"))};\nevents {}\nhttp {\n  access_log off;\n  include ${JSON.stringify(join(dir, "endpoints.conf"))};\n  server { listen 127.0.0.1:1; set $keyport_partner "${w.orgA.code}"; location / { return 200 $keyport_${w.env.code.toLowerCase()}_callback_base; } }\n}\n`,
      );
      execFileSync("nginx", ["-p", dir, "-c", join(dir, "nginx.conf"), "-t"], { stdio: "pipe" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await refused(exportEndpoints(w.gateway.actor, w.env.code, "xml"), "bad_request");
    await refused(exportEndpoints(w.partnerA.actor, w.env.code, "json"), "forbidden");
    await removeProviderEndpoint(w.admin.actor, egress.id);
    expect((await listProviderEndpoints(w.admin.actor, w.env.code)).map((e) => e.kind)).toEqual(["ingress_url"]);
  });
});

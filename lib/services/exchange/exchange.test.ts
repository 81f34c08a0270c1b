// The exchange page's data: who acts next at each step, for the partner and in the officers' overview.
import { afterAll, describe, expect, it } from "vitest";
import { CLI_ACTOR } from "@/lib/auth/actor";
import { disconnectDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { makeTestChain } from "@/lib/pki/chain/fixtures.test-helper";
import { makeWorld, opensslCsr } from "@/lib/testing/world";
import { recordPublicDownload } from "@/lib/services/ca/ca-chain";
import { createProviderClientCa } from "@/lib/services/provider/init-provider-client-ca";
import { approveProviderCertificateRequest, issueProviderCertificate } from "@/lib/services/provider/issue-provider-certificate";
import { endorseServerChain } from "@/lib/services/server-chains/decide-server-chain";
import { uploadServerChain } from "@/lib/services/server-chains/upload-server-chain";
import { getProviderServerChain, setProviderServerChain } from "@/lib/services/provider/set-provider-server-chain";
import { opensslKey } from "@/lib/pki/jws/jws-test-helper";
import { endorseJwsKey } from "@/lib/services/jws-keys/decide-jws-key";
import { uploadJwsKey } from "@/lib/services/jws-keys/upload-jws-key";
import { createProviderJwsKey } from "@/lib/services/provider-jws-keys/create-provider-jws-key";
import { EXCHANGE_ITEM_KINDS } from "./exchange-items";
import { getExchangeOverview, getOrgExchange } from "./get-exchange";

import { registerEndpoint } from "@/lib/services/endpoints/register-endpoint";
import { confirmEndpoint } from "@/lib/services/endpoints/decide-endpoint";
import { probeEndpoint } from "@/lib/services/endpoints/run-probe";
afterAll(disconnectDb);

describe("exchange", () => {
  it("lists every item in both directions with who acts next, step by step", async () => {
    const w = await makeWorld({ approvalsRequired: 2 });
    const next = async () => Object.fromEntries((await getOrgExchange(w.partnerA.actor, w.env.code)).items.map((i) => [i.kind, `${i.state}:${i.next ?? "-"}`]));
    expect((await getOrgExchange(w.partnerA.actor, w.env.code)).items.map((i) => i.kind)).toEqual(EXCHANGE_ITEM_KINDS.map((k) => k.kind));
    expect(await next()).toMatchObject({ "partner-server-chain": "missing:partner", "provider-client-ca": "missing:admin", "provider-client-certificate": "missing:admin", "partner-client-certificate": "missing:partner" });

    const up = await uploadServerChain(w.partnerA.actor, { environment: w.env.code, chain: (await makeTestChain()).chainPem });
    expect((await next())["partner-server-chain"]).toBe("pending:officer");
    await endorseServerChain(w.officer1.actor, up.id);
    expect((await next())["partner-server-chain"]).toBe("pending:officer");
    await endorseServerChain(w.officer2.actor, up.id);
    expect((await next())["partner-server-chain"]).toBe("active:-");

    await createProviderClientCa(CLI_ACTOR, { envCode: w.env.code });
    expect((await next())["provider-client-ca"]).toBe("pending:partner");
    await recordPublicDownload(w.partnerA.actor, { action: "ca.download", envCode: w.env.code, file: `${w.env.code}-provider-client-ca.pem`, format: "pem" });
    expect((await next())["provider-client-ca"]).toBe("active:-");
    // Two officers in this environment: the admin who asks is the first, one officer approves.
    const asked = await issueProviderCertificate(w.admin.actor, { environment: w.env.code, csr: opensslCsr("/CN=provider-egress").csr });
    expect(asked.status).toBe("pending");
    expect((await next())["provider-client-certificate"]).toBe("pending:officer");
    if (asked.status === "pending") expect((await approveProviderCertificateRequest(w.officer1.actor, asked.requestId)).status).toBe("issued");
    expect((await next())["provider-client-certificate"]).toBe("active:-");
    expect((await next())["provider-server-chain"]).toBe("missing:admin");
    const ours = await makeTestChain({ name: "Provider", hosts: ["api.provider.test"] });
    await expect(setProviderServerChain(w.officer1.actor, { environment: w.env.code, chain: ours.chainPem, server: ours.serverPem })).rejects.toBeInstanceOf(AppError);
    await expect(setProviderServerChain(w.admin.actor, { environment: w.env.code, chain: ours.chainPem, server: ours.chainPem })).rejects.toBeInstanceOf(AppError);
    await setProviderServerChain(w.admin.actor, { environment: w.env.code, chain: ours.chainPem, server: ours.serverPem });
    expect((await next())["provider-server-chain"]).toBe("active:-");
    const shown = (await getProviderServerChain(w.partnerB.actor, w.env.code))!;
    expect(shown.hosts).toEqual(["api.provider.test"]);
    expect(shown.pem).toBe(ours.serverPem + ours.chainPem);

    // JWS signing keys (issue 18): the partner's key endorsed by two officers, the provider's generated.
    expect(await next()).toMatchObject({ "partner-jws-key": "missing:partner", "provider-jws-keys": "missing:admin" });
    const jws = await uploadJwsKey(w.partnerA.actor, { environment: w.env.code, key: opensslKey("p256").publicPem });
    expect((await next())["partner-jws-key"]).toBe("pending:officer");
    await endorseJwsKey(w.officer1.actor, jws.id);
    await endorseJwsKey(w.officer2.actor, jws.id);
    expect((await next())["partner-jws-key"]).toBe("active:-");
    await createProviderJwsKey(w.admin.actor, { environment: w.env.code, generate: true, alg: "ES256" });
    expect((await next())["provider-jws-keys"]).toBe("active:-");

    // Endpoint registry and readiness probe (issue 18, items 5–6): a callback URL confirmed by two officers, then probed.
    expect(await next()).toMatchObject({ "partner-callback-urls": "missing:partner", "readiness-probe": "missing:partner" });
    const cb = await registerEndpoint(w.partnerA.actor, { environment: w.env.code, kind: "callback_url", value: "https://127.0.0.1:1/callbacks" });
    expect((await next())["partner-callback-urls"]).toBe("pending:officer");
    await confirmEndpoint(w.officer1.actor, cb.id);
    await confirmEndpoint(w.officer2.actor, cb.id);
    expect((await next())["partner-callback-urls"]).toBe("active:-");
    expect((await probeEndpoint(w.partnerA.actor, cb.id)).outcome).toBe("tcp_refused");
    expect((await next())["readiness-probe"]).toBe("rejected:partner");

    // Officers: one organisation by code, or the overview across partners.
    expect((await getOrgExchange(w.officer1.actor, w.env.code, w.orgA.code)).organisation).toBe(w.orgA.code);
    expect((await getOrgExchange(w.partnerB.actor, w.env.code, w.orgA.code)).organisation).toBe(w.orgB.code);
    const overview = await getExchangeOverview(w.officer1.actor, w.env.code);
    const a = overview.organisations.find((o) => o.organisation === w.orgA.code)!;
    const b = overview.organisations.find((o) => o.organisation === w.orgB.code)!;
    expect(a.waitingOnPartner).toEqual(["partner-client-certificate", "source-ips", "readiness-probe"]);
    expect(a.waitingOnProvider).toEqual([]);
    expect(b.waitingOnPartner).toContain("partner-server-chain");
    await expect(getExchangeOverview(w.partnerA.actor, w.env.code)).rejects.toBeInstanceOf(AppError);
  });
});

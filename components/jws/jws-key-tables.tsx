import { Badge } from "@/components/ui/badge";
import { Mono } from "@/components/ui/details";
import { formatDay } from "@/components/ui/format";
import { Table } from "@/components/ui/table";
import { RetireJwsKeyForm } from "./jws-forms";

type PartnerKey = { id: string; organisation: string; kid: string; alg: string; key: string; source: string; state: string; submittedAt: Date; retireAt: Date | null; rejectionReason: string | null; approvals: unknown[]; approvalsRequired: number };
type ProviderKey = { id: string; kid: string; alg: string; key: string; source: string; state: string; createdAt: Date; retireAt: Date | null; pem: string; jwk: object };

const tone = (state: string) => (state === "active" ? "good" : state === "rejected" ? "bad" : state === "pending" ? "info" : "neutral");

/** Partner JWS keys with their state; active keys get a retire form when `retire` is set. */
export function PartnerJwsKeyTable({ keys, retire, showOrganisation = false }: { keys: PartnerKey[]; retire: boolean; showOrganisation?: boolean }) {
  return (
    <Table
      label="JWS keys"
      head={[...(showOrganisation ? ["Partner"] : []), "kid", "Key", "State", "Retires", "Note"]}
      rows={keys.map((k) => [
        ...(showOrganisation ? [k.organisation] : []),
        <Mono key="k">{k.kid}</Mono>,
        `${k.key}, ${k.alg} (${k.source})`,
        <Badge key="s" tone={tone(k.state)}>
          {k.state}
        </Badge>,
        k.retireAt ? formatDay(k.retireAt) : "—",
        k.state === "active" && retire ? <RetireJwsKeyForm key="r" id={k.id} /> : (k.rejectionReason ?? (k.state === "pending" ? `${k.approvals.length} of ${k.approvalsRequired} endorsements` : "")),
      ])}
    />
  );
}

/** The provider's keys: PEM and JWK to copy; admins get a retire form. */
export function ProviderJwsKeyList({ keys, retire }: { keys: ProviderKey[]; retire: boolean }) {
  return (
    <div className="grid gap-4" aria-label="Provider JWS keys">
      {keys.map((k) => (
        <div key={k.id} className="grid gap-2 border-b border-slate-200 pb-3 text-sm" data-testid={`provider-jws-${k.kid}`}>
          <p>
            <Mono>{k.kid}</Mono> — {k.key}, {k.alg} ({k.source}), <Badge tone={tone(k.state)}>{k.state}</Badge>
            {k.retireAt ? ` until ${formatDay(k.retireAt)}` : ""}
          </p>
          <details>
            <summary className="cursor-pointer text-sky-800">PEM and JWK</summary>
            <pre className="max-h-48 overflow-auto rounded bg-slate-100 p-2 text-xs" aria-label={`PEM of ${k.kid}`}>{k.pem}</pre>
            <pre className="max-h-48 overflow-auto rounded bg-slate-100 p-2 text-xs" aria-label={`JWK of ${k.kid}`}>{JSON.stringify(k.jwk, null, 2)}</pre>
          </details>
          {retire && k.state === "active" ? <RetireJwsKeyForm id={k.id} provider /> : null}
        </div>
      ))}
    </div>
  );
}

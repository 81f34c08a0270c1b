import Link from "next/link";
import { OrganisationField } from "./organisation-field";

type Option = { value: string; label: string };
const input = "rounded border border-slate-300 px-3 py-2 text-sm";

export function CertificateSearch({
  values,
  environments,
  organisations,
}: {
  values: { q: string; organisation: string; environment: string; status: string };
  environments: Option[];
  /** null: too many to list (the page's choice); the field takes an organisation code instead. */
  organisations: Option[] | null;
}) {
  return (
    <form method="get" className="flex flex-wrap items-end gap-3" aria-label="Certificate search">
      <label className="flex min-w-64 flex-1 flex-col gap-1 text-sm font-medium text-slate-700">
        Serial, fingerprint or CN
        <input aria-label="Serial, fingerprint or CN" name="q" type="search" defaultValue={values.q} placeholder="e.g. 4F:1A:… or acme-client" className={input} />
      </label>
      <OrganisationField value={values.organisation} organisations={organisations} className={input} />
      <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
        Environment
        <select aria-label="Environment" name="environment" defaultValue={values.environment} className={input}>
          <option value="">All</option>
          {environments.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
        Status
        <select aria-label="Status" name="status" defaultValue={values.status} className={input}>
          <option value="">All</option>
          <option value="valid">Valid</option>
          <option value="expiring">Expiring within 30 days</option>
          <option value="expired">Expired</option>
          <option value="revoked">Revoked</option>
        </select>
      </label>
      <button type="submit" className="rounded bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700">
        Search
      </button>
      <Link href="/officer/certificates" className="py-2 text-sm underline">
        Clear
      </Link>
    </form>
  );
}

import Link from "next/link";
import { OrganisationField } from "./organisation-field";

const input = "rounded border border-slate-300 px-3 py-2 text-sm";

/** Audit filters as a GET form; action families ("certificate.") match every action that starts with them. */
export function AuditFilters({
  values,
  actions,
  organisations,
}: {
  values: { action: string; organisation: string; actor: string; from: string; to: string };
  actions: string[];
  /** null: too many to list; the field takes an organisation code. */
  organisations: string[] | null;
}) {
  const families = [...new Set(actions.filter((a) => a.includes(".")).map((a) => `${a.split(".")[0]}.`))];
  return (
    <form method="get" className="flex flex-wrap items-end gap-3" aria-label="Audit filters">
      <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
        Action
        <select aria-label="Action" name="action" defaultValue={values.action} className={input}>
          <option value="">All</option>
          <optgroup label="Families">
            {families.map((f) => (
              <option key={f} value={f}>
                {f}*
              </option>
            ))}
          </optgroup>
          <optgroup label="Actions">
            {actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </optgroup>
        </select>
      </label>
      <OrganisationField value={values.organisation} organisations={organisations && organisations.map((o) => ({ value: o, label: o }))} className={input} />
      <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
        Actor
        <input aria-label="Actor" name="actor" type="search" defaultValue={values.actor} placeholder="email or “cli”" className={input} />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
        From
        <input aria-label="From" name="from" type="date" defaultValue={values.from} className={input} />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
        To
        <input aria-label="To" name="to" type="date" defaultValue={values.to} className={input} />
      </label>
      <button type="submit" className="rounded bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700">
        Apply
      </button>
      <Link href="/officer/audit" className="py-2 text-sm underline">
        Clear
      </Link>
    </form>
  );
}

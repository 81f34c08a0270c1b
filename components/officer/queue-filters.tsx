import Link from "next/link";
import { OrganisationField } from "./organisation-field";

type Option = { value: string; label: string };

const select = "rounded border border-slate-300 px-3 py-2 text-sm";

/** The queue's filters as a plain GET form: the URL is the state (shareable, back button works). */
export function QueueFilters({
  values,
  environments,
  organisations,
}: {
  values: { environment?: string; organisation?: string; type?: string; olderThanDays?: string };
  environments: Option[];
  /** null: too many to list; the field takes an organisation code. */
  organisations: Option[] | null;
}) {
  return (
    <form method="get" className="flex flex-wrap items-end gap-3" aria-label="Queue filters">
      <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
        Environment
        <select aria-label="Environment" name="environment" defaultValue={values.environment ?? ""} className={select}>
          <option value="">All</option>
          {environments.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <OrganisationField value={values.organisation ?? ""} organisations={organisations} className={select} />
      <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
        Request type
        <select aria-label="Request type" name="type" defaultValue={values.type ?? "all"} className={select}>
          <option value="all">All</option>
          <option value="certificate">Certificate</option>
          <option value="allowlist">IP allowlist</option>
        </select>
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
        Older than (days)
        <input name="olderThanDays" type="number" min={0} max={3650} defaultValue={values.olderThanDays ?? ""} className={`${select} w-28`} />
      </label>
      <button type="submit" className="rounded bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700">
        Apply
      </button>
      <Link href="/officer" className="py-2 text-sm underline">
        Clear
      </Link>
    </form>
  );
}

type Option = { value: string; label: string };

/**
 * A filter form's organisation field: a list of the choices, or (organisations null: too many to
 * list, lib/services/organisations organisationChoices) a field that takes an organisation code.
 */
export function OrganisationField({ value, organisations, className }: { value: string; organisations: Option[] | null; className: string }) {
  return (
    <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
      Organisation
      {organisations ? (
        <select aria-label="Organisation" name="organisation" defaultValue={value} className={className}>
          <option value="">All</option>
          {organisations.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : (
        <input aria-label="Organisation" name="organisation" type="search" defaultValue={value} placeholder="organisation code (all when empty)" className={className} />
      )}
    </label>
  );
}

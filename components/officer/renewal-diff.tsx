import { Badge } from "@/components/ui/badge";

export type DiffRow = { field: string; before: string; after: string; changed: boolean };

/** Predecessor certificate versus the renewal request, field by field; changes highlighted. */
export function RenewalDiff({ rows }: { rows: DiffRow[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" aria-label="Renewal differences">
        <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
          <tr>
            <th className="px-2 py-2 font-medium">Field</th>
            <th className="px-2 py-2 font-medium">Current certificate</th>
            <th className="px-2 py-2 font-medium">This request</th>
            <th className="px-2 py-2 font-medium" />
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.field} className={`border-b border-slate-100 last:border-0 ${r.changed ? "bg-amber-50" : ""}`} data-changed={r.changed}>
              <td className="px-2 py-2 align-top font-medium">{r.field}</td>
              <td className="break-all px-2 py-2 align-top">{r.before}</td>
              <td className="break-all px-2 py-2 align-top">{r.after}</td>
              <td className="px-2 py-2 align-top">{r.changed ? <Badge tone="warn">changed</Badge> : <Badge>same</Badge>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

import { type InputHTMLAttributes, type ReactNode, useId } from "react";

export function Field({
  label,
  name,
  error,
  hint,
  ...input
}: { label: string; name: string; error?: string; hint?: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  const id = `f-${name}-${useId()}`;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-slate-700">
        {label}
      </label>
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className={`rounded border px-3 py-2 text-sm ${error ? "border-red-500" : "border-slate-300"}`}
        {...input}
      />
      {hint && !error ? <p className="text-xs text-slate-500">{hint}</p> : null}
      {error ? (
        <p id={`${id}-error`} className="text-xs text-red-700" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function SelectField({
  label,
  name,
  error,
  options,
  defaultValue,
}: { label: string; name: string; error?: string; options: { value: string; label: string }[]; defaultValue?: string }) {
  const id = `f-${name}-${useId()}`;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-slate-700">
        {label}
      </label>
      {/* Keyed by the default: React resets a form after its action, and a <select> resets to the option selected when it
          was mounted, not to a later defaultValue; remounting keeps the user's choice after a refused submit. */}
      <select key={defaultValue} id={id} name={name} defaultValue={defaultValue} className="rounded border border-slate-300 px-3 py-2 text-sm" aria-invalid={error ? true : undefined}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {error ? (
        <p className="text-xs text-red-700" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function SubmitButton({ children, pending }: { children: ReactNode; pending?: boolean }) {
  return (
    <button type="submit" disabled={pending} className="rounded bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-50">
      {pending ? "Working…" : children}
    </button>
  );
}

export function FormMessage({ state }: { state: { ok?: boolean; message?: string } | undefined }) {
  if (!state?.message) return null;
  return (
    <p role={state.ok ? "status" : "alert"} className={`text-sm ${state.ok ? "text-green-700" : "text-red-700"}`}>
      {state.message}
    </p>
  );
}

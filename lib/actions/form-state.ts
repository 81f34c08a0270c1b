import { AppError, asAppError, logUnexpected } from "@/lib/errors";
import { controlCharacterMessage, findControlCharacter } from "@/lib/control-characters";

export type FormState = {
  ok: boolean;
  message?: string;
  fields?: Record<string, string>;
  secret?: string;
  /** What was submitted, so a form with errors keeps the user's input (React resets forms after an action). */
  values?: Record<string, string>;
};

/** The submitted text fields, minus secrets. */
export function formValues(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of form.entries()) {
    if (typeof v === "string" && !/password|secret|token/i.test(k) && !k.startsWith("$")) out[k] = v;
  }
  return out;
}

/** Turn a service error into form state: field errors inline, one message on top. */
export function formError(error: unknown, where: string, form?: FormData): FormState {
  const e = asAppError(error);
  const values = form ? formValues(form) : undefined;
  if (e instanceof AppError) {
    // Field errors show beside their fields; the summary only points at them.
    const onlyFields = e.code === "validation_failed" && e.fields && !e.fields._;
    return { ok: false, message: onlyFields ? "Please correct the highlighted fields." : e.message, fields: e.fields, values };
  }
  return { ok: false, message: `Something went wrong (ref ${logUnexpected(e, where)}).`, values };
}

/**
 * A text field of a submitted form. U+0000 and other control characters are refused here, naming the
 * field (tab and line breaks may stay: textareas are multi-line; the service's schema refuses them
 * where a field is single-line).
 */
export function formText(form: FormData, name: string): string | undefined {
  const v = form.get(name);
  if (typeof v !== "string") return undefined;
  const found = findControlCharacter(v, { multiline: true });
  if (found) throw new AppError("validation_failed", controlCharacterMessage(name, found), { [name]: controlCharacterMessage("This field", found) });
  return v;
}

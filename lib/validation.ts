import { z } from "zod";
import { AppError } from "@/lib/errors";
import { controlCharacterMessage, findControlCharacter } from "@/lib/control-characters";
import { MAX_JSON_DEPTH, nestedDeeperThan } from "@/lib/json-syntax";

/**
 * What a schema tells people about a field beyond its rules:
 * - `expects`: what a value must be, completing "<field> must be …" when a value has the wrong JSON type
 *   (e.g. 'a string (an environment code such as "PPR")');
 * - `multiline`: the text may hold tab and line breaks (a note, a reason, a PEM block). Every other
 *   control character is refused in every field, and line breaks and tabs in single-line fields.
 */
export type InputMeta = { expects?: string; multiline?: boolean };

const inputMeta = z.registry<InputMeta>();

/** Attach InputMeta to a schema. Call it last: zod methods return new schemas without it. */
export function describeInput<S extends z.ZodType>(schema: S, meta: InputMeta): S {
  inputMeta.add(schema, meta);
  return schema;
}

type Path = readonly PropertyKey[];

type Def = { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; innerType?: z.ZodType; in?: z.ZodType; options?: z.ZodType[] };
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The schema and the schemas it wraps (optional, default, pipe, …), outermost first. */
function wrappers(s: z.ZodType): z.ZodType[] {
  const out: z.ZodType[] = [];
  for (let cur: z.ZodType | undefined = s; cur && out.length < 16; ) {
    out.push(cur);
    const def = defOf(cur);
    cur = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
  }
  return out;
}

/** The schemas that describe the value at `path`, outermost first; [] when the path leaves the schema. */
function schemasAt(schema: z.ZodType, path: Path): z.ZodType[] {
  const chain = wrappers(schema);
  if (!path.length) return chain;
  const [head, ...rest] = path;
  for (const s of chain) {
    const def = defOf(s);
    if (def.type === "object" && typeof head === "string" && def.shape && Object.hasOwn(def.shape, head)) return schemasAt(def.shape[head], rest);
    if (def.type === "array" && typeof head === "number" && def.element) return schemasAt(def.element, rest);
    if (def.type === "union" && def.options) {
      for (const option of def.options) {
        const found = schemasAt(option, path);
        if (found.length) return found;
      }
    }
  }
  return [];
}

function metaOf(schemas: z.ZodType[]): InputMeta {
  const meta: InputMeta = {};
  for (const s of [...schemas].reverse()) Object.assign(meta, inputMeta.get(s));
  return meta;
}

const metaAt = (schema: z.ZodType, path: Path) => metaOf(schemasAt(schema, path));

/**
 * Whether tab and line breaks may stay in the string at `path`: in multi-line fields, and in values
 * the schema does not describe (unknown keys are dropped and misplaced values refused anyway).
 */
function multilineAt(schema: z.ZodType, path: Path): boolean {
  const schemas = schemasAt(schema, path);
  return !schemas.length || metaOf(schemas).multiline === true;
}

/** A field as people write it: `entries[0]`, `entries[0].cidr`, `note`. */
export function displayPath(path: Path): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i ? "." : ""}${String(p)}`)).join("");
}

const fieldKey = (path: Path) => path.map(String).join(".") || "_";

/** A field error at its full path ("entries.0") and, for forms that show only top-level fields, at its top ("entries"). */
function addField(fields: Record<string, string>, path: Path, message: string) {
  fields[fieldKey(path)] ??= message;
  if (path.length > 1) fields[fieldKey(path.slice(0, 1))] ??= message;
}

function valueAt(input: unknown, path: Path): unknown {
  let cur = input;
  for (const p of path) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

type Node = { parent: Node | null; key: PropertyKey; value: unknown };

function pathOf(node: Node): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let n: Node | null = node; n?.parent; n = n.parent) path.push(n.key);
  return path.reverse();
}

/**
 * Every string in a JSON-like value, with a function giving its path (plain objects and arrays
 * only; bytes and other objects are skipped). Iterative, and paths are built only on demand, so
 * deeply nested input (a 64 KiB body nests 30,000 levels) costs neither stack nor quadratic time.
 */
export function* stringsIn(input: unknown): Generator<{ value: string; path: () => PropertyKey[] }> {
  const stack: Node[] = [{ parent: null, key: "", value: input }];
  while (stack.length) {
    const node = stack.pop()!;
    const { value } = node;
    if (typeof value === "string") yield { value, path: () => pathOf(node) };
    else if (Array.isArray(value)) for (let i = value.length - 1; i >= 0; i--) stack.push({ parent: node, key: i, value: value[i] });
    else if (isPlainObject(value)) for (const k of Object.keys(value).reverse()) stack.push({ parent: node, key: k, value: value[k] });
  }
}

/**
 * Field errors for control characters in `input`; `multilineAt` says where tab and line breaks may stay.
 * Fields are keyed "entries.0" (and "entries"), or as `keyOf` names them.
 */
export function controlCharacterErrors(input: unknown, multilineAt: (path: Path) => boolean, keyOf?: (path: Path) => string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const s of stringsIn(input)) {
    // Most strings hold no control character at all: only then is the path (and the schema) consulted.
    if (!findControlCharacter(s.value)) continue;
    const path = s.path();
    const found = findControlCharacter(s.value, { multiline: multilineAt(path) });
    if (!found) continue;
    const message = controlCharacterMessage(displayPath(path) || "The input", found);
    if (keyOf) fields[keyOf(path)] ??= message;
    else addField(fields, path, message);
  }
  return fields;
}

const TYPE_WORDS: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list (JSON array)",
  object: "a JSON object",
};

function issueMessage(schema: z.ZodType, input: unknown, issue: z.core.$ZodIssue): string {
  const display = displayPath(issue.path);
  if (issue.code !== "invalid_type" && issue.code !== "invalid_union") return issue.message;
  if (valueAt(input, issue.path) === undefined) {
    // Missing: the schema's own words ("Choose an environment."), or plainly "required".
    return issue.message.startsWith("Invalid input") ? `${display || "The input"} is required.` : issue.message;
  }
  // Present with the wrong JSON type: name the field, the type and, where the schema says, an example.
  const expects = metaAt(schema, issue.path).expects ?? (issue.code === "invalid_type" ? (TYPE_WORDS[issue.expected] ?? issue.expected) : null);
  if (!expects) return issue.message;
  return `${display || "The input"} must be ${expects}.`;
}

/**
 * Parse with a zod schema; on failure throw one 422 AppError naming each bad field. Input nested
 * deeper than MAX_JSON_DEPTH, then control characters and unpaired surrogates in every string of
 * the input (see InputMeta.multiline) are refused first.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  if (nestedDeeperThan(input)) throw new AppError("validation_failed", `The input is nested deeper than ${MAX_JSON_DEPTH} levels.`);
  const controls = controlCharacterErrors(input, (path) => multilineAt(schema, path));
  if (Object.keys(controls).length) throw new AppError("validation_failed", [...new Set(Object.values(controls))].join(" "), controls);

  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  const messages: string[] = [];
  for (const issue of result.error.issues) {
    if (Object.hasOwn(fields, fieldKey(issue.path))) continue;
    const message = issueMessage(schema, input, issue);
    addField(fields, issue.path, message);
    const display = displayPath(issue.path);
    messages.push(!display || message.startsWith(display) ? message : `${display}: ${message}`);
  }
  throw new AppError("validation_failed", messages.join(" "), fields);
}

/**
 * The fields of `input` that `schema` does not know, at their paths (`sans.dnss`, `entries[0].foo`):
 * what zod's `.strict()` refuses, for every object the schema describes however deep, without
 * making the service schemas strict (server actions pass form objects through them too). An
 * object schema with a catchall (z.looseObject, z.record) knows every key.
 */
export function unknownFields(schema: z.ZodType, input: unknown, path: PropertyKey[] = []): string[] {
  const out: string[] = [];
  for (const s of wrappers(schema)) {
    const def = defOf(s) as Def & { catchall?: z.ZodType };
    if (def.type === "object" && def.shape && isPlainObject(input)) {
      const catchallType = def.catchall ? defOf(def.catchall).type : null;
      for (const [key, value] of Object.entries(input)) {
        if (Object.hasOwn(def.shape, key)) out.push(...unknownFields(def.shape[key], value, [...path, key]));
        else if (catchallType === null || catchallType === "never") out.push(displayPath([...path, key]));
      }
      return out;
    }
    if (def.type === "array" && def.element && Array.isArray(input)) {
      input.forEach((v, i) => out.push(...unknownFields(def.element!, v, [...path, i])));
      return out;
    }
    if (def.type === "union" && def.options) {
      // The option that knows the most: a value is judged by the schema it was meant for.
      const results = def.options.map((o) => unknownFields(o, input, path));
      return results.reduce((best, r) => (r.length < best.length ? r : best), results[0] ?? []);
    }
  }
  return out;
}

/** 422 naming every field the schema does not know (see unknownFields), and the fields it does. */
export function refuseUnknownFields(schema: z.ZodType, input: unknown, what = "The request body"): void {
  const unknown = unknownFields(schema, input);
  if (!unknown.length) return;
  const shown = unknown.slice(0, 10).map((f) => JSON.stringify(f.slice(0, 64)));
  const def = defOf(wrappers(schema).find((s) => defOf(s).type === "object") ?? schema);
  const known = def.shape ? Object.keys(def.shape) : [];
  throw new AppError(
    "validation_failed",
    `${what} has ${unknown.length === 1 ? "a field" : "fields"} this endpoint does not know: ${shown.join(", ")}${unknown.length > 10 ? ` and ${unknown.length - 10} more` : ""}. ${known.length ? `It takes: ${known.join(", ")}.` : "It takes no fields."} Nothing was changed.`,
    Object.fromEntries(unknown.slice(0, 50).map((f) => [f, "Unknown field."])),
  );
}

// Certificate profiles are data (stored in the database, imported and exported
// as JSON). This module validates a profile definition and names the exact
// field at fault. Pure: runs in the browser for live checks too.
import { z } from "zod";
import { MAX_RSA_MODULUS_BITS } from "@/lib/pki/key/rsa-limits";
import { patternSyntaxError } from "./pattern";

// In the browser the page's CSP has no 'unsafe-eval' (lib/http/security-headers.ts). zod 4 compiles
// object parsers with Function() unless told not to, and first tries Function(""): the browser
// refuses it and reports a CSP violation before zod falls back. Jitless parsing (zod's option for
// environments that disallow eval) never tries. Set before this module builds its schemas; no
// other module the browser loads builds a zod schema.
if (typeof window !== "undefined") z.config({ jitless: true });

export const KEY_TYPES = ["rsa-2048", "rsa-3072", "rsa-4096", "ecdsa-p256", "ecdsa-p384"] as const;
export type KeyTypeId = (typeof KEY_TYPES)[number];
export const KEY_TYPE_LABEL: Record<KeyTypeId, string> = {
  "rsa-2048": "RSA 2048",
  "rsa-3072": "RSA 3072",
  "rsa-4096": "RSA 4096",
  "ecdsa-p256": "ECDSA P-256",
  "ecdsa-p384": "ECDSA P-384",
};
export const SIGNATURE_HASHES = ["sha256", "sha384", "sha512"] as const;
export const EKUS = ["clientAuth", "serverAuth"] as const;

/** The modulus size of an "rsa-<bits>" key type id, or null for another id. */
const rsaKeyBits = (id: unknown): number | null => (typeof id === "string" && /^rsa-\d{1,9}$/.test(id) ? Number(id.slice(4)) : null);

function keyTypeMessage(input: unknown): string {
  const bits = rsaKeyBits(input);
  if (bits !== null && bits > MAX_RSA_MODULUS_BITS) {
    return `RSA ${bits} is more than Keyport reads: RSA keys up to ${MAX_RSA_MODULUS_BITS} bits; use one of ${KEY_TYPES.join(", ")}`;
  }
  return `unknown key type; use one of ${KEY_TYPES.join(", ")}`;
}

/** Subject attribute short names a profile may constrain (RFC 4519 / PKCS#9 names). */
export const SUBJECT_ATTRIBUTES = ["CN", "O", "OU", "C", "L", "ST", "street", "emailAddress", "serialNumber", "DC", "UID", "title", "GN", "SN"] as const;

/** Placeholders substituted literally before a pattern is used as a regular expression. */
export const PLACEHOLDERS = ["{org}", "{orgName}", "{env}", "{keyType}"] as const;

/** `{name}` that is not one of PLACEHOLDERS (regex quantifiers such as {2} or {1,64} are digits). */
function unknownPlaceholder(source: string): string | null {
  for (const m of source.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(m[0])) return `unknown placeholder ${m[0]}; use ${PLACEHOLDERS.join(", ")}`;
  }
  return null;
}

function validRegex(source: string): string | null {
  // Check the pattern with placeholders replaced by a harmless literal.
  return patternSyntaxError(source.replace(/\{(org|orgName|env|keyType)\}/g, "x"));
}

const subjectRule = z
  .object({
    required: z.boolean().optional(),
    forbidden: z.boolean().optional(),
    pattern: z
      .string()
      .min(1, "must not be empty")
      .max(500, "at most 500 characters")
      .superRefine((p, ctx) => {
        const placeholder = unknownPlaceholder(p);
        if (placeholder) return ctx.addIssue({ code: "custom", message: placeholder });
        const err = validRegex(p);
        if (err) ctx.addIssue({ code: "custom", message: `not a valid regular expression: ${err}` });
      })
      .optional(),
    equals: z
      .string()
      .max(500, "at most 500 characters")
      .superRefine((v, ctx) => {
        const placeholder = unknownPlaceholder(v);
        if (placeholder) ctx.addIssue({ code: "custom", message: placeholder });
      })
      .optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.forbidden && (r.required || r.pattern !== undefined || r.equals !== undefined)) {
      ctx.addIssue({ code: "custom", message: "a forbidden attribute cannot also be required or have a pattern or equals" });
    }
    if (r.pattern !== undefined && r.equals !== undefined) {
      ctx.addIssue({ code: "custom", message: "use either pattern or equals, not both" });
    }
  });

/** A profile code: 2–50 lower-case letters, digits or hyphens. */
export const PROFILE_CODE = /^[a-z0-9][a-z0-9-]{1,49}$/;
const codeSchema = z.string().regex(PROFILE_CODE, "use 2–50 lower-case letters, digits or hyphens");

export const profileSchema = z
  .object({
    code: codeSchema,
    name: z.string().trim().min(1, "must not be empty").max(200, "at most 200 characters"),
    environments: z
      .array(z.string().regex(/^[A-Z][A-Z0-9]{1,9}$/, "environment codes are 2–10 upper-case letters or digits"))
      .min(1, "name at least one environment, or \"*\" for all")
      .or(z.literal("*")),
    subject: z.partialRecord(z.enum(SUBJECT_ATTRIBUTES, { message: `unknown attribute; use one of ${SUBJECT_ATTRIBUTES.join(", ")}` }), subjectRule),
    keys: z
      .array(z.enum(KEY_TYPES, { error: (issue) => keyTypeMessage(issue.input) }))
      .min(1, "allow at least one key type")
      .superRefine((keys, ctx) => {
        // Whatever KEY_TYPES grows to, a profile never allows a key CSR parsing refuses (lib/pki/key/rsa-limits.ts).
        keys.forEach((k, i) => {
          const bits = rsaKeyBits(k);
          if (bits !== null && bits > MAX_RSA_MODULUS_BITS) ctx.addIssue({ code: "custom", path: [i], message: keyTypeMessage(k) });
        });
      }),
    rsaExponent: z
      .number({ message: "must be a number" })
      .int("must be a whole number")
      .min(65537, "at least 65537 (CA/Browser Forum Baseline Requirements §6.1.6)")
      .max(Number.MAX_SAFE_INTEGER, "too large")
      .refine((e) => e % 2 === 1, "must be odd")
      .optional(),
    signatureHashes: z
      .array(z.enum(SIGNATURE_HASHES, { message: `unsupported hash; use one of ${SIGNATURE_HASHES.join(", ")}` }))
      .min(1, "allow at least one signature hash"),
    san: z.enum(["forbid", "copy"], { message: 'use "forbid" or "copy"' }),
    /** SANs the partner types at submission (DNS names, IP addresses): "allow" or "forbid" (the default). */
    enteredSans: z.enum(["allow", "forbid"], { message: 'use "allow" or "forbid"' }).optional(),
    extendedKeyUsage: z
      .array(z.enum(EKUS, { message: `use ${EKUS.join(" or ")}` }))
      .min(1, "name at least one extended key usage"),
    validityDays: z.number({ message: "must be a number" }).int("must be a whole number").min(1, "at least 1 day").max(3650, "at most 3650 days"),
  })
  .strict();

export type Profile = z.infer<typeof profileSchema>;
export type SubjectRule = z.infer<typeof subjectRule>;

export type ProfileValidation = { ok: true; profile: Profile } | { ok: false; errors: { field: string; message: string }[] };

function fieldPath(path: PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), "") || "(profile)";
}

/** Validate a profile definition; every error names its field, e.g. `subject.CN.pattern`. */
export function validateProfile(input: unknown): ProfileValidation {
  const r = profileSchema.safeParse(input);
  if (r.success) {
    // Deduplicate lists while keeping order; a profile is data, keep it tidy.
    const p = r.data;
    return {
      ok: true,
      profile: { ...p, keys: [...new Set(p.keys)], signatureHashes: [...new Set(p.signatureHashes)], extendedKeyUsage: [...new Set(p.extendedKeyUsage)] },
    };
  }
  return {
    ok: false,
    errors: r.error.issues.map((i) => {
      // zod reports unknown keys of a strict object on the object itself; name the key.
      const keys = (i as { keys?: string[] }).keys;
      if (i.code === "unrecognized_keys" && keys?.length) {
        const inSubject = i.path.length === 1 && i.path[0] === "subject";
        return {
          field: fieldPath([...i.path, keys[0]]),
          message: inSubject ? `unknown subject attribute; use one of ${SUBJECT_ATTRIBUTES.join(", ")}` : "unknown field",
        };
      }
      return { field: fieldPath(i.path), message: i.message };
    }),
  };
}

export function profileAppliesTo(profile: Profile, envCode: string): boolean {
  // The built-in profile is there for every environment, whatever an older stored override says.
  return profile.environments === "*" || profile.code === DEFAULT_PROFILE_CODE || profile.environments.includes(envCode);
}

const DEFAULT_PROFILE_CODE = "mtls-client";

/**
 * validateProfile plus the rules for saving (editor, import, API): the built-in `mtls-client`
 * may be changed, but it stays available in every environment (`"environments": "*"`).
 * Reading stays lenient so that a row stored before this rule still loads.
 */
export function validateProfileForSave(input: unknown): ProfileValidation {
  const v = validateProfile(input);
  if (!v.ok || v.profile.code !== DEFAULT_PROFILE_CODE || v.profile.environments === "*") return v;
  return {
    ok: false,
    errors: [
      {
        field: "environments",
        message: `the built-in profile "${DEFAULT_PROFILE_CODE}" applies to every environment: keep "*" (to limit environments, create a profile with its own code)`,
      },
    ],
  };
}

/** The default profile, present in every install for every environment. */
export const DEFAULT_PROFILE: Profile = {
  code: DEFAULT_PROFILE_CODE,
  name: "mTLS client (default)",
  environments: "*",
  subject: {
    CN: { required: true, pattern: "[^\\s]{1,64}" },
    C: { required: false, pattern: "[A-Z]{2}" },
  },
  keys: ["rsa-2048", "rsa-3072", "rsa-4096", "ecdsa-p256", "ecdsa-p384"],
  signatureHashes: ["sha256", "sha384", "sha512"],
  san: "copy",
  enteredSans: "allow",
  extendedKeyUsage: ["clientAuth"],
  validityDays: 397,
};

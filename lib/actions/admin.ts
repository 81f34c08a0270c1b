"use server";

import { revalidatePath } from "next/cache";
import { requireActionActor } from "@/lib/auth/web-actor";
import { createOrganisation } from "@/lib/services/organisations/create-organisation";
import { createUser } from "@/lib/services/users/create-user";
import { createEnvironment } from "@/lib/services/environments/create-environment";
import { createToken } from "@/lib/services/tokens/create-token";
import { revokeToken } from "@/lib/services/tokens/revoke-token";
import { endSessionsOfUser } from "@/lib/services/users/end-sessions";
import { type FormState, formError, formText } from "@/lib/actions/form-state";

// Server actions are public endpoints: each one authenticates, and the service authorizes.

export async function createOrganisationAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const org = await createOrganisation(actor, {
      code: formText(form, "code") ?? "",
      legalName: formText(form, "legalName") ?? "",
      groupEmail: formText(form, "groupEmail") ?? "",
    });
    revalidatePath("/admin");
    return { ok: true, message: `Created organisation ${org.code}.` };
  } catch (e) {
    return formError(e, "createOrganisationAction", form);
  }
}

export async function createUserAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const { user, generatedPassword } = await createUser(actor, {
      email: formText(form, "email") ?? "",
      name: formText(form, "name") || undefined,
      role: (formText(form, "role") ?? "") as "partner",
      orgCode: formText(form, "orgCode") || undefined,
      password: formText(form, "password") || undefined,
    });
    revalidatePath("/admin");
    return {
      ok: true,
      message: `Created ${user.role} ${user.email}.${generatedPassword ? " Their password is shown once below." : ""}`,
      secret: generatedPassword ?? undefined,
    };
  } catch (e) {
    return formError(e, "createUserAction", form);
  }
}

export async function createEnvironmentAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const env = await createEnvironment(actor, {
      code: formText(form, "code") ?? "",
      name: formText(form, "name") ?? "",
      approvalsRequired: formText(form, "approvalsRequired") ?? "",
      production: form.get("production") === "on",
    });
    revalidatePath("/admin");
    return { ok: true, message: `Created environment ${env.code}.` };
  } catch (e) {
    return formError(e, "createEnvironmentAction", form);
  }
}

export async function createTokenAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const t = await createToken(actor, { userEmail: formText(form, "userEmail") ?? "", name: formText(form, "name") || undefined });
    revalidatePath("/admin");
    return { ok: true, message: `Created token ${t.prefix}…. Copy it now: it is shown once.`, secret: t.token };
  } catch (e) {
    return formError(e, "createTokenAction", form);
  }
}

export async function revokeTokenAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await revokeToken(actor, { id: formText(form, "id") ?? "" });
    revalidatePath("/admin");
    return { ok: true, message: `Revoked token ${r.prefix}….` };
  } catch (e) {
    return formError(e, "revokeTokenAction", form);
  }
}

export async function endUserSessionsAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await endSessionsOfUser(actor, { email: formText(form, "email") ?? "" });
    revalidatePath("/admin");
    return { ok: true, message: `Ended ${r.ended} session(s).` };
  } catch (e) {
    return formError(e, "endUserSessionsAction", form);
  }
}

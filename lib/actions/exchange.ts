"use server";

import { revalidatePath } from "next/cache";
import { requireActionActor } from "@/lib/auth/web-actor";
import { type FormState, formError, formText } from "@/lib/actions/form-state";
import { uploadServerChain } from "@/lib/services/server-chains/upload-server-chain";
import { endorseServerChain, rejectServerChain } from "@/lib/services/server-chains/decide-server-chain";
import { cancelProviderCsr, createProviderCsr } from "@/lib/services/provider-csrs/create-provider-csr";
import { uploadSignedCertificate } from "@/lib/services/provider-csrs/upload-signed-certificate";
import { createProviderClientCa } from "@/lib/services/provider/init-provider-client-ca";
import { setProviderServerChain } from "@/lib/services/provider/set-provider-server-chain";
import {
  approveProviderCertificateRequest,
  rejectProviderCertificateRequest,
  requestProviderCertificate,
} from "@/lib/services/provider/issue-provider-certificate";

// The two-way exchange (issue 17): the services authorize, validate and enforce dual control.

export async function uploadServerChainAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await uploadServerChain(actor, {
      environment: formText(form, "environment") ?? "",
      chain: formText(form, "chain") ?? "",
      server: formText(form, "server") || undefined,
      endpoint: formText(form, "endpoint") || undefined,
    });
    revalidatePath("/partner/exchange");
    return { ok: true, message: `Uploaded and checked (${r.findings.filter((f) => f.result === "warn").length} warnings). Officers endorse it next.` };
  } catch (e) {
    return formError(e, "uploadServerChainAction", form);
  }
}

export async function endorseServerChainAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await endorseServerChain(actor, formText(form, "id") ?? "", { comment: formText(form, "comment") ?? "" });
    revalidatePath("/officer/exchange");
    return { ok: true, message: r.status === "endorsed" ? "Endorsed: the chain is active for the egress gateway." : `Endorsed: ${r.approvals.length} of ${r.approvalsRequired}. Another officer must endorse it.` };
  } catch (e) {
    return formError(e, "endorseServerChainAction", form);
  }
}

export async function rejectServerChainAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    await rejectServerChain(actor, formText(form, "id") ?? "", { reason: formText(form, "reason") ?? "" });
    revalidatePath("/officer/exchange");
    return { ok: true, message: "Rejected. The partner sees your reason." };
  } catch (e) {
    return formError(e, "rejectServerChainAction", form);
  }
}

// The provider's CSR signed by the partner's CA (issue 17, item 3).

export async function createProviderCsrAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await createProviderCsr(actor, {
      environment: formText(form, "environment") ?? "",
      organisation: formText(form, "organisation") ?? "",
      commonName: formText(form, "commonName") || undefined,
      csr: formText(form, "csr") || undefined,
    });
    revalidatePath("/admin/exchange");
    return { ok: true, message: `Created the CSR ${r.subject} for ${r.organisation}: the partner signs it with its CA next.` };
  } catch (e) {
    return formError(e, "createProviderCsrAction", form);
  }
}

export async function cancelProviderCsrAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    await cancelProviderCsr(actor, formText(form, "id") ?? "");
    revalidatePath("/admin/exchange");
    return { ok: true, message: "Cancelled." };
  } catch (e) {
    return formError(e, "cancelProviderCsrAction", form);
  }
}

export async function uploadSignedCertificateAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await uploadSignedCertificate(actor, formText(form, "id") ?? "", { certificate: formText(form, "certificate") ?? "" });
    revalidatePath("/partner/exchange");
    return { ok: true, message: `Accepted: the provider presents this certificate to you from now on (valid until ${r.certificate?.notAfter?.toISOString().slice(0, 10)}).` };
  } catch (e) {
    return formError(e, "uploadSignedCertificateAction", form);
  }
}

// What an admin did only in the CLI before: the provider client CA and the provider server chain.

export async function initProviderClientCaAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const ca = await createProviderClientCa(actor, { envCode: formText(form, "environment") ?? "", keyType: formText(form, "keyType") || undefined });
    revalidatePath("/admin/exchange");
    return { ok: true, message: `Created ${ca.subject}, valid until ${ca.notAfter.toISOString().slice(0, 10)}.` };
  } catch (e) {
    return formError(e, "initProviderClientCaAction", form);
  }
}

export async function setProviderServerChainAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await setProviderServerChain(actor, { environment: formText(form, "environment") ?? "", chain: formText(form, "chain") ?? "", server: formText(form, "server") ?? "" });
    revalidatePath("/admin/exchange");
    return { ok: true, message: `Published for ${r.environment} (${r.hosts.join(", ")}); every partner's exchange page shows it.` };
  } catch (e) {
    return formError(e, "setProviderServerChainAction", form);
  }
}

// The provider's own client certificates, under the environment's dual control.

export async function issueProviderCertificateAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await requestProviderCertificate(actor, { environment: formText(form, "environment") ?? "", csr: formText(form, "csr"), commonName: formText(form, "commonName") ?? "" });
    revalidatePath("/admin/exchange");
    return { ok: true, message: r.status === "issued" ? `Issued ${r.subject} (serial ${r.serial}).` : `Asked: ${r.approvals} of ${r.approvalsRequired} approvals; officers approve it next.` };
  } catch (e) {
    return formError(e, "issueProviderCertificateAction", form);
  }
}

export async function approveProviderCertificateAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    const r = await approveProviderCertificateRequest(actor, formText(form, "id") ?? "", { comment: formText(form, "comment") ?? "" });
    revalidatePath("/officer/exchange");
    return { ok: true, message: r.status === "issued" ? "Approved: the certificate is issued." : `Approved: ${r.approvals} of ${r.approvalsRequired}. Another officer must approve it.` };
  } catch (e) {
    return formError(e, "approveProviderCertificateAction", form);
  }
}

export async function rejectProviderCertificateAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    const actor = await requireActionActor();
    await rejectProviderCertificateRequest(actor, formText(form, "id") ?? "", { reason: formText(form, "reason") ?? "" });
    revalidatePath("/officer/exchange");
    return { ok: true, message: "Rejected: nothing is issued." };
  } catch (e) {
    return formError(e, "rejectProviderCertificateAction", form);
  }
}

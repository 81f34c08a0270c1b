import { getDb } from "@/lib/db/client";
import { type Actor, authorize } from "@/lib/auth/actor";
import { readCsr } from "@/lib/pki/csr/parse-csr";
import { parseCertificateInfo } from "@/lib/pki/cert/certificate-info";
import { keyTypeId } from "@/lib/policy/checks";
import { KEY_TYPE_LABEL, type KeyTypeId } from "@/lib/policy/profile";
import { findKeyReuse } from "@/lib/services/csr/evaluate-csr";
import { lintDraftCertificate } from "@/lib/ca/authority";
import { certificateSans } from "@/lib/services/requests/certificate-sans";
import { parseCidr, specialRange } from "@/lib/net/cidr";
import { findProfile } from "@/lib/services/profiles/profiles";
import { getCertificateRequest, getRequestCsr, listCertificateRequests } from "@/lib/services/requests/read-requests";
import { findCertificateForActor, listCertificates } from "@/lib/services/certificates/read-certificates";

export type DiffRow = { field: string; before: string; after: string; changed: boolean };

/** Split an RFC 4514 name at unescaped commas, so "C=NO, CN=a" and "CN=a,C=NO" compare equal. */
export function subjectAttributes(name: string): string[] {
  return name
    .split(/(?<!\\),\s*/)
    .map((s) => s.trim())
    .filter(Boolean)
    .sort();
}

const sameSubject = (a: string, b: string) => subjectAttributes(a).join(",") === subjectAttributes(b).join(",");

function keyLabel(k: { algorithm: "rsa" | "ec"; bits: number; curve?: string }): string {
  const id = k.algorithm === "rsa" ? `rsa-${k.bits}` : k.curve === "P-256" ? "ecdsa-p256" : k.curve === "P-384" ? "ecdsa-p384" : null;
  return id && id in KEY_TYPE_LABEL ? KEY_TYPE_LABEL[id as KeyTypeId] : k.algorithm === "rsa" ? `RSA ${k.bits}` : `ECDSA ${k.curve ?? "?"}`;
}

const DAY = 86_400_000;
const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Everything an officer needs to decide on one certificate request: the request
 * with its stored checks and approvals, the CSR as parsed now, where else the
 * key has been seen, the organisation's other requests and certificates, and for
 * a renewal the predecessor compared field by field.
 */
export async function getRequestReview(actor: Actor, id: string) {
  authorize(actor, "request:decide");
  const request = await getCertificateRequest(actor, id);
  const der = await getRequestCsr(actor, request.id);
  const read = await readCsr(der);
  const csr = read.ok ? read.csr : null;
  const [keyReuse, profile, otherRequests, certificates] = await Promise.all([
    findKeyReuse(getDb(), request.publicKeyFingerprint, request.id),
    findProfile(request.profile),
    listCertificateRequests(actor, { organisation: request.organisation, limit: 25 }),
    listCertificates(actor, { organisation: request.organisation, limit: 50 }),
  ]);

  // The draft certificate's pre-issuance lints (lib/pki/lint), as an approval now would sign it.
  const env = await getDb().environment.findUnique({ where: { code: request.environment }, select: { id: true, code: true } });
  const draftLints =
    csr && csr.certificateSubject.ok && profile && env && request.status === "pending"
      ? await lintDraftCertificate(getDb(), {
          env,
          subjectDer: csr.certificateSubject.der,
          spkiDer: csr.spkiDer,
          keyType: csr.key.type === "rsa" ? "rsa" : "ec",
          validityDays: profile.validityDays,
          extendedKeyUsage: [...profile.extendedKeyUsage],
          sans: certificateSans(profile, csr.sans, request.enteredSans),
        }).catch(() => null)
      : null;

  let renewal: { certificateId: string; serial: string; status: string; diff: DiffRow[] } | null = null;
  if (request.renews) {
    const predecessor = await findCertificateForActor(actor, request.renews);
    const info = await parseCertificateInfo(new Uint8Array(predecessor.der));
    const csrSans = csr ? csr.sans.filter((s) => s.type === "dns" || s.type === "ip").map((s) => `${s.type.toUpperCase()}:${s.value}`) : [];
    const enteredSans = profile?.enteredSans === "allow" ? [...request.enteredSans.dns.map((d) => `DNS:${d}`), ...request.enteredSans.ip.map((i) => `IP:${i}`)] : [];
    const sansAfter = [...new Set([...(profile?.san === "forbid" ? [] : csrSans), ...enteredSans])];
    const sansBefore = [...info.sans.dns.map((d) => `DNS:${d}`), ...info.sans.ip.map((i) => `IP:${i}`)];
    const keyBefore = keyLabel(info.publicKey);
    const keyAfter = csr ? (keyTypeId(csr.key) ? KEY_TYPE_LABEL[keyTypeId(csr.key)!] : csr.key.label) : request.keyType;
    const daysBefore = Math.round((info.notAfter.getTime() - info.notBefore.getTime()) / DAY);
    const ekuAfter = profile ? profile.extendedKeyUsage.join(", ") : "?";
    const list = (xs: string[]) => (xs.length ? [...xs].sort().join(", ") : "none");
    const row = (field: string, before: string, after: string, changed = before !== after): DiffRow => ({ field, before, after, changed });
    renewal = {
      certificateId: predecessor.id,
      serial: predecessor.serialHex,
      status: predecessor.revokedAt ? "revoked" : predecessor.notAfter.getTime() <= Date.now() ? "expired" : "valid",
      diff: [
        row("Subject", predecessor.subject, request.subject, !sameSubject(predecessor.subject, request.subject)),
        row("Subject alternative names", list(sansBefore), list(sansAfter)),
        row("Key type", keyBefore, keyAfter),
        row("Public key", info.spkiSha256, request.publicKeyFingerprint),
        row("Profile", predecessor.profileCode, request.profile),
        row("Extended key usage", info.extendedKeyUsage.join(", ") || "none", ekuAfter),
        row(
          "Validity",
          `${daysBefore} days (${day(info.notBefore)} → ${day(info.notAfter)})`,
          profile ? `${profile.validityDays} days from issuance` : "?",
          !profile || profile.validityDays !== daysBefore,
        ),
      ],
    };
  }

  return {
    request,
    notices: csr
      ? reviewNotices(
          { subject: csr.subject, sans: [...csr.sans, ...request.enteredSans.dns.map((value) => ({ type: "dns", value })), ...request.enteredSans.ip.map((value) => ({ type: "ip", value }))] },
          { legalName: request.organisationName, production: request.production },
        )
      : [],
    csr: csr
      ? {
          pem: csr.pem,
          // Exactly what will be signed (lib/pki/name/certificate-subject.ts), with the string types the certificate gets.
          subject: (csr.certificateSubject.ok ? csr.certificateSubject.attributes : csr.subject).map((a) => ({ name: a.name, oid: a.oid, value: a.value, valueType: a.valueType })),
          multiValuedRdns: csr.subjectRdns.some((r) => r.length > 1),
          subjectString: csr.certificateSubject.ok ? csr.certificateSubject.string : csr.subjectString,
          /** The subject as the CSR encodes it, when it reads differently from the certified one. */
          csrSubjectString: !csr.certificateSubject.ok || csr.certificateSubject.string !== csr.subjectString ? csr.subjectString : null,
          subjectProblems: csr.certificateSubject.ok ? [] : csr.certificateSubject.problems.map((p) => p.message),
          sans: csr.sans,
          requestedExtensions: csr.requestedExtensions,
          key: csr.key,
          signature: csr.signature,
          signatureValid: csr.signatureValid,
          signatureUnsupported: csr.signatureUnsupported ?? false,
          publicKeyFingerprint: csr.publicKeyFingerprint,
        }
      : null,
    csrError: read.ok ? null : read.finding.message,
    keyReuse,
    profile,
    /** Lint results of the draft certificate (null when there is none to draw: no CA, or a CSR that cannot be certified). */
    draftLints,
    history: {
      requests: otherRequests.filter((r) => r.id !== request.id),
      certificates,
    },
    renewal,
  };
}

export type RequestReview = Awaited<ReturnType<typeof getRequestReview>>;

/**
 * What an officer should look at twice although no profile rule fails: names in the subject that
 * are not the requesting organisation's, and SANs a public CA would not issue (wildcards,
 * single-label or local names, private, loopback and other special-purpose addresses).
 */
export function reviewNotices(
  csr: { subject: { name: string; value: string }[]; sans: { type: string; value: string }[] },
  org: { legalName: string; production: boolean },
): string[] {
  const notices: string[] = [];
  const norm = (v: string) => v.normalize("NFC").trim().replace(/\s+/g, " ").toLowerCase();
  for (const a of csr.subject.filter((x) => x.name === "O")) {
    if (norm(a.value) !== norm(org.legalName)) {
      notices.push(`The subject's O "${a.value}" is not this organisation's legal name ("${org.legalName}"). Check that the partner may present itself under that name.`);
    }
  }
  for (const san of csr.sans) {
    if (san.type === "dns") {
      if (san.value.includes("*")) notices.push(`DNS:${san.value} is a wildcard name: the certificate would be valid for every matching host.`);
      else if (!san.value.includes(".") || /\.(local|localhost|internal|lan|home\.arpa)$/i.test(san.value) || /^localhost$/i.test(san.value)) {
        notices.push(`DNS:${san.value} is not a public domain name.`);
      }
    }
    if (san.type === "ip") {
      const parsed = parseCidr(san.value);
      const special = parsed.ok ? specialRange(parsed.value) : null;
      if (special) notices.push(`IP:${san.value} ${special}${org.production ? ", unusual in a production certificate" : ""}.`);
    }
  }
  return notices;
}

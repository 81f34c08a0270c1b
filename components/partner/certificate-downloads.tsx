import { Notice } from "@/components/ui/details";
import { Pkcs12WithKey } from "./pkcs12-with-key";
import { TruststoreForm } from "./truststore-form";

export const CERTIFICATE_DOWNLOADS = [
  { format: "pem", label: "Certificate (PEM)" },
  { format: "chain", label: "Chain, leaf first (PEM)" },
  { format: "chain-root-first", label: "Chain, root first (PEM)" },
  { format: "der", label: "Certificate (DER .cer)" },
  { format: "p7b", label: "PKCS#7 (.p7b)" },
  { format: "zip", label: "Bundle (.zip): all of these, with a README" },
] as const;

export type CertificateMaterial = { baseName: string; leafDer: string; chainDer: string[] };

/** Every download of an issued certificate: files from the server, PKCS#12 with the user's key built in the browser. */
export function CertificateDownloads({ id, environment, material, revoked = false }: { id: string; environment: string; material: CertificateMaterial; revoked?: boolean }) {
  return (
    <div className="grid gap-5">
      {revoked ? (
        <Notice tone="bad" testId="revoked-downloads">
          This certificate is revoked: gateways that check the CRL refuse it. The files stay available for your records; request a new certificate to connect again.
        </Notice>
      ) : null}
      <ul className="grid gap-1 text-sm" aria-label="Downloads">
        {CERTIFICATE_DOWNLOADS.map((d) => (
          <li key={d.format}>
            <a className="text-sky-800 underline" href={`/partner/certificates/${id}/download?format=${d.format}`} download>
              {d.label}
            </a>
          </li>
        ))}
        <li className="pt-2 text-slate-600">
          CRLs for {environment}:{" "}
          <a className="text-sky-800 underline" href={`/crl/${environment}.crl`}>
            issuing CA
          </a>
          ,{" "}
          <a className="text-sky-800 underline" href={`/crl/${environment}-root.crl`}>
            root
          </a>
        </li>
      </ul>
      <section className="grid gap-2 border-t border-slate-200 pt-4">
        <h3 className="text-sm font-semibold text-slate-800">PKCS#12 truststore</h3>
        <p className="text-xs text-slate-600">The CA chain that signed this certificate (issuing CA and root) as trusted entries, e.g. for a Java truststore. Choose its password.</p>
        <TruststoreForm id={id} />
      </section>
      {revoked ? null : (
      <section className="grid gap-2 border-t border-slate-200 pt-4">
        <h3 className="text-sm font-semibold text-slate-800">PKCS#12 with my key</h3>
        <p className="text-xs text-slate-600">
          Pick your private key file: your browser checks that it belongs to this certificate and builds the .p12 itself. The key never leaves this computer.
        </p>
        <Pkcs12WithKey material={material} />
      </section>
      )}
    </div>
  );
}

/** The provider's public CA chain of an environment, in every format (public: no sign-in needed). */
export const CA_FORMATS = [
  { format: "pem", label: "Chain PEM (issuing → root)" },
  { format: "pem-root-first", label: "Chain PEM (root first)" },
  { format: "p7b", label: "PKCS#7 (.p7b)" },
  { format: "der-root", label: "Root CA (DER .cer)" },
  { format: "der-issuing", label: "Issuing CA (DER .cer)" },
] as const;

export function CaDownloads({ env }: { env: string }) {
  return (
    <ul className="flex flex-wrap gap-x-4 gap-y-1 text-sm" aria-label={`${env} CA chain downloads`}>
      {CA_FORMATS.map((f) => (
        <li key={f.format}>
          <a className="text-sky-800 underline" href={`/api/v1/environments/${env}/ca?format=${f.format}`} download>
            {f.label}
          </a>
        </li>
      ))}
    </ul>
  );
}

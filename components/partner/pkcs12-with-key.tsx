"use client";

import { type FormEvent, useState } from "react";
import { Field } from "@/components/ui/form";
import { saveBytes } from "@/components/ui/save-file";
import { base64Decode } from "@/lib/pki/pem";
import { PkiError } from "@/lib/pki/cert/errors";
import { PrivateKeyFileProblem, readPrivateKeyFile } from "@/lib/pki/keygen/private-key-file";
import { buildKeyAndChainPkcs12 } from "@/lib/pki/pkcs12/build-pkcs12";
import { assertPkcs12Password } from "@/lib/pki/pkcs12/password";

type Material = { baseName: string; leafDer: string; chainDer: string[] };

const bytesOf = (b64: string) => base64Decode(b64) ?? new Uint8Array(0);

/** "PKCS#12 with my key": reads the user's key file here, checks it matches the certificate, builds the .p12 here. */
export function Pkcs12WithKey({ material }: { material: Material }) {
  const [keyFile, setKeyFile] = useState<{ name: string; bytes: Uint8Array } | null>(null);
  const [needsPassphrase, setNeedsPassphrase] = useState(false);
  const [keyPassphrase, setKeyPassphrase] = useState("");
  const [password, setPassword] = useState("");
  const [password2, setPassword2] = useState("");
  const [errors, setErrors] = useState<{ key?: string; keyPassphrase?: string; password?: string }>({});
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    const next: typeof errors = {};
    if (!keyFile) next.key = "Choose your private key file.";
    try {
      assertPkcs12Password(password);
    } catch (err) {
      next.password = err instanceof Error ? err.message : "Choose a password.";
    }
    if (!next.password && password.length < 8) next.password = "Use at least 8 characters: this file holds your private key.";
    if (!next.password && password !== password2) next.password = "The two passwords differ.";
    setErrors(next);
    if (Object.keys(next).length || !keyFile) return;
    setBusy(true);
    try {
      const pkcs8 = await readPrivateKeyFile(keyFile.bytes, keyPassphrase || undefined);
      try {
        const p12 = await buildKeyAndChainPkcs12({ privateKeyPkcs8Der: pkcs8, certificateDer: bytesOf(material.leafDer), chainDer: material.chainDer.map(bytesOf), password });
        saveBytes(p12, `${material.baseName}.p12`, "application/x-pkcs12");
        setDone(`Saved ${material.baseName}.p12 (key, certificate and CA chain), built in this browser.`);
      } finally {
        pkcs8.fill(0);
      }
    } catch (err) {
      if (err instanceof PrivateKeyFileProblem) {
        if (err.reason === "needs_passphrase" || err.reason === "wrong_passphrase") {
          setNeedsPassphrase(true);
          setErrors({ keyPassphrase: err.message });
        } else setErrors({ key: err.message });
      } else if (err instanceof PkiError && err.code === "key_mismatch") {
        setErrors({ key: "This private key does not belong to this certificate. Pick the key generated with this certificate's CSR." });
      } else {
        setErrors({ key: err instanceof Error ? err.message : "The file could not be read." });
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="grid gap-2" aria-label="PKCS#12 with my key" noValidate>
      <div className="flex flex-col gap-1">
        <label htmlFor="p12-key-file" className="text-sm font-medium text-slate-700">
          Private key file
        </label>
        <input
          id="p12-key-file"
          type="file"
          accept=".key,.pem,.der,.p8,application/x-pem-file"
          onChange={async (e) => {
            const f = e.target.files?.[0];
            setErrors({});
            setNeedsPassphrase(false);
            setKeyFile(f ? { name: f.name, bytes: new Uint8Array(await f.slice(0, 1024 * 1024).arrayBuffer()) } : null);
          }}
          className="text-sm"
          aria-invalid={errors.key ? true : undefined}
        />
        {errors.key ? (
          <p className="text-xs text-red-700" role="alert">
            {errors.key}
          </p>
        ) : (
          <p className="text-xs text-slate-500">PKCS#8, PKCS#1 or SEC1; PEM or DER; read by this browser only.</p>
        )}
      </div>
      {needsPassphrase ? (
        <Field
          label="Key passphrase"
          name="p12KeyPassphrase"
          type="password"
          autoComplete="off"
          value={keyPassphrase}
          onChange={(e) => setKeyPassphrase(e.target.value)}
          error={errors.keyPassphrase}
        />
      ) : null}
      <div className="grid gap-2 sm:grid-cols-2">
        <Field
          label="New .p12 password"
          name="p12Password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
          hint="At least 8 printable ASCII characters (Java keytool refuses others)."
        />
        <Field label="Password again" name="p12Password2" type="password" autoComplete="new-password" value={password2} onChange={(e) => setPassword2(e.target.value)} />
      </div>
      {done ? (
        <p role="status" className="text-sm text-green-700">
          {done}
        </p>
      ) : null}
      <div>
        <button type="submit" disabled={busy} className="rounded bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-50">
          {busy ? "Building…" : "Build .p12 in my browser"}
        </button>
      </div>
    </form>
  );
}

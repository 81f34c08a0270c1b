"use client";

import { type DragEvent, useId, useRef, useState } from "react";
import type { CsrInput } from "./use-live-checks";

/** Text files become pasted text (so the partner sees them); anything else stays bytes (DER). */
function asText(bytes: Uint8Array): string | null {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(text) ? null : text;
  } catch {
    return null;
  }
}

const MAX_READ = 1024 * 1024; // read at most 1 MiB; intake refuses anything over 64 KiB with a clear message

/** Paste a CSR, or drop / choose a .csr, .pem or .der file (read locally as bytes). */
export function CsrInputField({ value, onChange, error }: { value: CsrInput; onChange: (v: CsrInput) => void; error?: string }) {
  const id = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [fileNote, setFileNote] = useState<string | null>(null);

  async function readFile(file: File) {
    const bytes = new Uint8Array(await file.slice(0, MAX_READ + 1).arrayBuffer());
    const text = bytes.length <= MAX_READ ? asText(bytes) : null;
    if (text !== null) {
      setFileNote(`Read ${file.name} (${file.size.toLocaleString("en-US")} bytes of text).`);
      onChange({ kind: "text", text });
    } else {
      setFileNote(null);
      onChange({ kind: "file", name: file.name, size: file.size, bytes });
    }
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files?.[0];
    if (file) void readFile(file);
  }

  return (
    <div className="grid gap-2">
      <label htmlFor={`${id}-csr`} className="text-sm font-medium text-slate-700">
        Certificate signing request (CSR)
      </label>
      <div
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="csr-dropzone"
        className={`grid gap-2 rounded border-2 border-dashed p-2 ${dragging ? "border-sky-500 bg-sky-50" : error ? "border-red-400" : "border-slate-300"}`}
      >
        {value.kind === "file" ? (
          <div className="flex flex-wrap items-center justify-between gap-2 p-2 text-sm" data-testid="csr-file">
            <span>
              Using <strong>{value.name}</strong> ({value.size.toLocaleString("en-US")} bytes, binary).
            </span>
            <button type="button" className="text-xs text-sky-800 underline" onClick={() => onChange({ kind: "text", text: "" })}>
              Remove file and paste instead
            </button>
          </div>
        ) : (
          <textarea
            id={`${id}-csr`}
            // No name: this is never submitted as a form field; the page sends only a readable CSR.
            value={value.text}
            onChange={(e) => {
              setFileNote(null);
              onChange({ kind: "text", text: e.target.value });
            }}
            rows={10}
            spellCheck={false}
            autoComplete="off"
            aria-invalid={error ? true : undefined}
            aria-describedby={`${id}-hint`}
            placeholder={"-----BEGIN CERTIFICATE REQUEST-----\n…\n-----END CERTIFICATE REQUEST-----"}
            className="w-full rounded border-0 bg-transparent p-2 font-mono text-xs focus:outline-none focus:ring-2 focus:ring-sky-300"
          />
        )}
        <p id={`${id}-hint`} className="px-2 pb-1 text-xs text-slate-500">
          Paste the PEM text, or drop a .csr / .pem / .der file here, or{" "}
          <button type="button" className="text-sky-800 underline" onClick={() => fileRef.current?.click()}>
            choose a file
          </button>
          . Files are read by your browser.
          <input
            ref={fileRef}
            type="file"
            className="sr-only"
            aria-label="Choose a CSR file"
            accept=".csr,.pem,.der,.req,.txt,application/pkcs10"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void readFile(f);
              e.target.value = "";
            }}
          />
        </p>
        {fileNote ? <p className="px-2 pb-1 text-xs text-slate-600">{fileNote}</p> : null}
      </div>
      {error ? (
        <p className="text-xs text-red-700" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

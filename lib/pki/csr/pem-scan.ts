// Finding PEM blocks (RFC 7468) in pasted text, including blocks whose END line is missing.
// lib/pki/pem.ts's pemDecodeAll only sees complete blocks; intake also has to notice a BEGIN
// without END (truncated paste) and a private key wherever it appears, so it scans itself.

export type PemBlockScan = {
  label: string;
  /** The END label, or null when no END line follows before the next BEGIN (or the end of the text). */
  endLabel: string | null;
  /** Text between the BEGIN and END lines (or the end of the text when endLabel is null). */
  body: string;
};

// RFC 7468 §3: label = printable ASCII except hyphen, single spaces allowed. Be lenient on
// case and length here; the caller decides what the label means.
const BEGIN = /-----BEGIN ([^\r\n-]{0,80})-----/g;
const END = /-----END ([^\r\n-]{0,80})-----/;

export function scanPemBlocks(text: string): PemBlockScan[] {
  const begins = [...text.matchAll(BEGIN)];
  return begins.map((m, i) => {
    const start = m.index + m[0].length;
    const stop = i + 1 < begins.length ? begins[i + 1].index : text.length;
    const region = text.slice(start, stop);
    const end = END.exec(region);
    return end ? { label: m[1], endLabel: end[1], body: region.slice(0, end.index) } : { label: m[1], endLabel: null, body: region };
  });
}

/** RFC 7468 §2: whitespace (including any line ending) may appear anywhere in the base64 text. */
export function pemBodyBase64(body: string): string | null {
  const clean = body.replace(/[\s]+/g, "");
  return /^[A-Za-z0-9+/]*={0,2}$/.test(clean) ? clean : null;
}

/** Labels are shown back to the partner only when they look like real PEM labels. */
export function displayLabel(label: string): string {
  return /^[A-Z0-9][A-Z0-9 #]{0,39}$/.test(label) ? label : "unrecognised label";
}

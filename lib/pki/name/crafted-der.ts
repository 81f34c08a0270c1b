// Test support: a small DER builder (X.690) that writes exactly the bytes asked for, so crafted
// CSRs can hold what no encoder would write: wrong string types, padded OIDs, constructed
// strings, non-minimal lengths, indefinite lengths. CSRs are signed validly with an ECDSA P-256
// key through WebCrypto, so that only the crafted part decides.
export const bytes = (...parts: (Uint8Array | number[])[]) => {
  const out: number[] = [];
  for (const p of parts) out.push(...p);
  return Uint8Array.from(out);
};

const lengthOctets = (n: number) => (n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]);

/** tag, minimal definite length, content. */
export const tlv = (tag: number, ...content: (Uint8Array | number[])[]) => {
  const body = bytes(...content);
  return bytes([tag, ...lengthOctets(body.length)], body);
};

/** tag, a length in `octets` length octets (non-minimal when octets exceeds what is needed), content. */
export const tlvLongLength = (tag: number, octets: number, ...content: (Uint8Array | number[])[]) => {
  const body = bytes(...content);
  const len: number[] = [];
  for (let i = octets - 1; i >= 0; i--) len.push((body.length >> (8 * i)) & 0xff);
  return bytes([tag, 0x80 | octets, ...len], body);
};

/** BER indefinite length: tag 0x80 content 00 00 (constructed tags only). */
export const tlvIndefinite = (tag: number, ...content: (Uint8Array | number[])[]) => bytes([tag, 0x80], ...content, [0, 0]);

export const seq = (...c: (Uint8Array | number[])[]) => tlv(0x30, ...c);
export const set = (...c: (Uint8Array | number[])[]) => tlv(0x31, ...c);

export function oid(dotted: string): Uint8Array {
  const [a, b, ...rest] = dotted.split(".").map(BigInt);
  const arc = (v: bigint) => {
    const out = [Number(v & 0x7fn)];
    for (v >>= 7n; v > 0n; v >>= 7n) out.unshift(Number(v & 0x7fn) | 0x80);
    return out;
  };
  return tlv(0x06, [a * 40n + b, ...rest].flatMap(arc));
}

export const utf8 = (s: string) => new TextEncoder().encode(s);
export const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
export const utf16be = (s: string) => bytes(...Array.from({ length: s.length }, (_, i) => [s.charCodeAt(i) >> 8, s.charCodeAt(i) & 0xff]));
export const utf32be = (s: string) => bytes(...[...s].map((c) => { const cp = c.codePointAt(0)!; return [cp >>> 24, (cp >> 16) & 0xff, (cp >> 8) & 0xff, cp & 0xff]; }));

export const OIDS = {
  CN: "2.5.4.3",
  SN: "2.5.4.4",
  serialNumber: "2.5.4.5",
  C: "2.5.4.6",
  L: "2.5.4.7",
  ST: "2.5.4.8",
  O: "2.5.4.10",
  OU: "2.5.4.11",
  title: "2.5.4.12",
  emailAddress: "1.2.840.113549.1.9.1",
  DC: "0.9.2342.19200300.100.1.25",
  UID: "0.9.2342.19200300.100.1.1",
} as const;

/** One single-valued RDN: SET { SEQUENCE { type, value } }, from encoded pieces. */
export const rdn = (type: Uint8Array, value: Uint8Array) => set(seq(type, value));
export const attr = (name: keyof typeof OIDS, value: Uint8Array) => rdn(oid(OIDS[name]), value);

type Key = { privateKey: CryptoKey; spki: Uint8Array };
let key: Promise<Key> | undefined;

function p256(): Promise<Key> {
  key ??= (async () => {
    const pair = (await globalThis.crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    return { privateKey: pair.privateKey, spki: new Uint8Array(await globalThis.crypto.subtle.exportKey("spki", pair.publicKey)) };
  })();
  return key;
}

/** A minimal positive INTEGER from an unsigned magnitude; `pad` extra leading 00 octets make it non-minimal. */
export function uintDer(magnitude: Uint8Array, pad = 0): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  return tlv(0x02, new Array(pad + (m[0] & 0x80 ? 1 : 0)).fill(0), m);
}

export type CraftOptions = {
  /** The complete subject Name encoding (default: SEQUENCE of the rdns). */
  subjectDer?: Uint8Array;
  rdns?: Uint8Array[];
  /** The attributes [0] content (e.g. an extensionRequest). */
  attributes?: Uint8Array;
  /** Extra 00 octets before r and s in the ECDSA signature (non-minimal INTEGERs). */
  signaturePad?: number;
  /** Wrap the outer SEQUENCE in BER indefinite length. */
  indefiniteOuter?: boolean;
  trailing?: Uint8Array;
};

/** A CSR whose certificationRequestInfo is exactly what is asked, validly signed (ecdsa-with-SHA256). */
export async function craftCsr(opts: CraftOptions): Promise<Uint8Array> {
  const { privateKey, spki } = await p256();
  const subject = opts.subjectDer ?? seq(...(opts.rdns ?? []));
  const info = seq(tlv(0x02, [0]), subject, spki, tlv(0xa0, opts.attributes ?? []));
  const raw = new Uint8Array(await globalThis.crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, privateKey, info as BufferSource));
  const pad = opts.signaturePad ?? 0;
  const signature = seq(uintDer(raw.subarray(0, 32), pad), uintDer(raw.subarray(32), pad));
  const algorithm = seq(oid("1.2.840.10045.4.3.2"));
  const body = [info, algorithm, tlv(0x03, [0], signature)];
  const csr = opts.indefiniteOuter ? tlvIndefinite(0x30, ...body) : seq(...body);
  return opts.trailing ? bytes(csr, opts.trailing) : csr;
}

/** A small deterministic PRNG (mulberry32) for the fuzz tests, so a failure names a seed that reproduces it. */
export function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

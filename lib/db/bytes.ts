/** Prisma's Bytes columns want a Uint8Array backed by a plain ArrayBuffer: copy into one. */
export function toDbBytes(u: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(new ArrayBuffer(u.byteLength));
  out.set(u);
  return out;
}

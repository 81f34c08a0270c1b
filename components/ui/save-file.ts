// Save bytes made in the browser as a file download (nothing goes to a server).

export function saveBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Give the browser time to start the download before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function saveBytes(bytes: Uint8Array | string, filename: string, type = "application/octet-stream") {
  saveBlob(new Blob([typeof bytes === "string" ? bytes : (bytes as Uint8Array<ArrayBuffer>)], { type }), filename);
}

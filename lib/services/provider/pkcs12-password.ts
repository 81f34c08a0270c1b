import { AppError } from "@/lib/errors";
import { assertPkcs12Password } from "@/lib/pki/pkcs12/password";

/** The password an admin gives for a one-time key download (PKCS#12): 8 to 128 printable ASCII characters. */
export function readPkcs12Password(input: unknown): string {
  const password = typeof input === "string" ? input : "";
  if (password.length < 8 || password.length > 128) throw new AppError("validation_failed", "Give a PKCS#12 password of 8 to 128 printable ASCII characters.", { password: "8 to 128 printable ASCII characters." });
  try {
    assertPkcs12Password(password);
  } catch (e) {
    throw new AppError("validation_failed", e instanceof Error ? e.message : "Invalid password.", { password: "Printable ASCII only." });
  }
  return password;
}

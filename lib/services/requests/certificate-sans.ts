import { type SanLists, mergeSanLists } from "@/lib/pki/cert/san-names";
import type { Profile } from "@/lib/policy/profile";

/** The SANs the certificate gets: the CSR's where the profile copies them, then those entered at submission where it allows them. */
export function certificateSans(profile: Profile, csrSans: readonly { type: string; value: string }[], entered: SanLists): SanLists {
  const copied = profile.san === "copy" ? csrSans : [];
  return mergeSanLists(
    { dns: copied.filter((s) => s.type === "dns").map((s) => s.value), ip: copied.filter((s) => s.type === "ip").map((s) => s.value) },
    profile.enteredSans === "allow" ? entered : { dns: [], ip: [] },
  );
}

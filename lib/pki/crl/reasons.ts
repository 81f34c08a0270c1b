// CRLReason (RFC 5280 §5.3.1). Value 7 is unused; removeFromCRL (8) only appears in delta CRLs,
// which Keyport does not publish.

export const REVOCATION_REASONS = [
  "unspecified",
  "keyCompromise",
  "cACompromise",
  "affiliationChanged",
  "superseded",
  "cessationOfOperation",
  "certificateHold",
  "privilegeWithdrawn",
  "aACompromise",
] as const;

export type RevocationReason = (typeof REVOCATION_REASONS)[number];

export const REASON_CODE: Record<RevocationReason, number> = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  privilegeWithdrawn: 9,
  aACompromise: 10,
};

export const REASON_BY_CODE: Record<number, RevocationReason | "removeFromCRL"> = {
  ...Object.fromEntries(Object.entries(REASON_CODE).map(([name, code]) => [code, name as RevocationReason])),
  8: "removeFromCRL",
};

/**
 * CA/Browser Forum BR §7.2.2: the reasons a subscriber (end-entity) certificate may be revoked with.
 * cACompromise, aACompromise and privilegeWithdrawn describe an authority, not a subscriber.
 */
export const LEAF_REVOCATION_REASONS = ["unspecified", "keyCompromise", "affiliationChanged", "superseded", "cessationOfOperation"] as const satisfies readonly RevocationReason[];

/** RFC 5280 §5.3.1 reasons for a CA certificate (certificateHold is not offered: revocation is final). */
export const CA_REVOCATION_REASONS: readonly RevocationReason[] = REVOCATION_REASONS.filter((r) => r !== "certificateHold");

/** The reasons a certificate may carry on a CRL: CA reasons only for CA certificates. */
export function revocationReasonsFor(isCa: boolean): readonly RevocationReason[] {
  return isCa ? CA_REVOCATION_REASONS : LEAF_REVOCATION_REASONS;
}

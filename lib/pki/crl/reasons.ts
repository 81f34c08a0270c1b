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

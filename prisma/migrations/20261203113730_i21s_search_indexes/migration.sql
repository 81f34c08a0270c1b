-- Hand-written (issue 21): trigram indexes need pg_trgm (contrib; the embedded PGlite loads it,
-- lib/db/embedded.ts). Not in the schema's extensions list: Prisma's diff leaves extensions alone.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateIndex
CREATE INDEX "certificates_subject_trgm_idx" ON "certificates" USING GIN ("subject" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "certificates_serial_hex_trgm_idx" ON "certificates" USING GIN ("serial_hex" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "certificates_sha256_fingerprint_prefix_idx" ON "certificates"("sha256_fingerprint" text_pattern_ops);

-- CreateIndex
CREATE INDEX "certificates_public_key_fingerprint_prefix_idx" ON "certificates"("public_key_fingerprint" text_pattern_ops);


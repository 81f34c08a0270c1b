-- CreateIndex
CREATE INDEX "certificate_requests_renews_certificate_id_idx" ON "certificate_requests"("renews_certificate_id");

-- CreateIndex
CREATE INDEX "certificate_requests_org_id_created_at_id_idx" ON "certificate_requests"("org_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "certificates_not_after_id_idx" ON "certificates"("not_after", "id");

-- CreateIndex
CREATE INDEX "certificates_org_id_not_after_id_idx" ON "certificates"("org_id", "not_after", "id");

-- CreateIndex
CREATE INDEX "certificates_env_id_not_after_id_idx" ON "certificates"("env_id", "not_after", "id");

-- CreateIndex
CREATE INDEX "certificates_renews_certificate_id_idx" ON "certificates"("renews_certificate_id");

-- CreateIndex
CREATE INDEX "certificates_sha256_fingerprint_idx" ON "certificates"("sha256_fingerprint");

-- CreateIndex
CREATE INDEX "certificates_serial_hex_idx" ON "certificates"("serial_hex");

-- Issue 21: keyset orders of the readiness probe and provider certificate request lists.

-- CreateIndex
CREATE INDEX "readiness_probes_env_id_started_at_id_idx" ON "readiness_probes"("env_id", "started_at", "id");

-- CreateIndex
CREATE INDEX "provider_certificate_requests_env_id_created_at_id_idx" ON "provider_certificate_requests"("env_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "provider_certificate_requests_created_at_id_idx" ON "provider_certificate_requests"("created_at", "id");

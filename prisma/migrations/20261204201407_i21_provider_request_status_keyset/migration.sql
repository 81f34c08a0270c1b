-- Issue 21: the provider certificate request list filtered by status (the officers' waiting list) in keyset order, per environment and across them; the (env_id, status) index is a prefix of the first.

-- DropIndex
DROP INDEX "provider_certificate_requests_env_id_status_idx";

-- CreateIndex
CREATE INDEX "provider_certificate_requests_env_id_status_created_at_id_idx" ON "provider_certificate_requests"("env_id", "status", "created_at", "id");

-- CreateIndex
CREATE INDEX "provider_certificate_requests_status_created_at_id_idx" ON "provider_certificate_requests"("status", "created_at", "id");

-- Issue 21: keyset orders of the environment, provider JWS key and provider endpoint lists, and of the endpoint registry export's batches.

-- CreateIndex
CREATE INDEX "environments_production_code_id_idx" ON "environments"("production", "code", "id");

-- CreateIndex
CREATE INDEX "partner_endpoints_env_id_status_decided_at_created_at_id_idx" ON "partner_endpoints"("env_id", "status", "decided_at", "created_at", "id");

-- CreateIndex
CREATE INDEX "provider_endpoints_env_id_created_at_id_idx" ON "provider_endpoints"("env_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "provider_jws_keys_env_id_created_at_id_idx" ON "provider_jws_keys"("env_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "provider_jws_keys_created_at_id_idx" ON "provider_jws_keys"("created_at", "id");

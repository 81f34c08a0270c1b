-- CreateIndex
CREATE INDEX "allowlist_entries_created_at_cidr_id_idx" ON "allowlist_entries"("created_at", "cidr", "id");

-- CreateIndex
CREATE INDEX "allowlist_entries_org_id_created_at_cidr_id_idx" ON "allowlist_entries"("org_id", "created_at", "cidr", "id");

-- CreateIndex
CREATE INDEX "allowlist_entries_env_id_created_at_cidr_id_idx" ON "allowlist_entries"("env_id", "created_at", "cidr", "id");

-- CreateIndex
CREATE INDEX "allowlist_requests_status_created_at_id_idx" ON "allowlist_requests"("status", "created_at", "id");

-- CreateIndex
CREATE INDEX "allowlist_requests_org_id_created_at_id_idx" ON "allowlist_requests"("org_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "allowlist_requests_created_at_id_idx" ON "allowlist_requests"("created_at", "id");

-- CreateIndex
CREATE INDEX "api_tokens_created_at_id_idx" ON "api_tokens"("created_at", "id");

-- CreateIndex
CREATE INDEX "certificate_requests_status_created_at_id_idx" ON "certificate_requests"("status", "created_at", "id");

-- CreateIndex
CREATE INDEX "certificate_requests_env_id_created_at_id_idx" ON "certificate_requests"("env_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "certificate_requests_created_at_id_idx" ON "certificate_requests"("created_at", "id");

-- CreateIndex
CREATE INDEX "deliveries_created_at_id_idx" ON "deliveries"("created_at", "id");

-- CreateIndex
CREATE INDEX "deliveries_status_created_at_id_idx" ON "deliveries"("status", "created_at", "id");

-- CreateIndex
CREATE INDEX "notifications_user_id_created_at_id_idx" ON "notifications"("user_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "organisations_code_id_idx" ON "organisations"("code", "id");

-- CreateIndex
CREATE INDEX "partner_endpoints_created_at_id_idx" ON "partner_endpoints"("created_at", "id");

-- CreateIndex
CREATE INDEX "partner_endpoints_org_id_created_at_id_idx" ON "partner_endpoints"("org_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "partner_endpoints_env_id_created_at_id_idx" ON "partner_endpoints"("env_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "partner_jws_keys_created_at_id_idx" ON "partner_jws_keys"("created_at", "id");

-- CreateIndex
CREATE INDEX "partner_jws_keys_org_id_created_at_id_idx" ON "partner_jws_keys"("org_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "partner_jws_keys_env_id_created_at_id_idx" ON "partner_jws_keys"("env_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "partner_server_chains_created_at_id_idx" ON "partner_server_chains"("created_at", "id");

-- CreateIndex
CREATE INDEX "partner_server_chains_org_id_created_at_id_idx" ON "partner_server_chains"("org_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "partner_server_chains_env_id_created_at_id_idx" ON "partner_server_chains"("env_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "provider_csrs_created_at_id_idx" ON "provider_csrs"("created_at", "id");

-- CreateIndex
CREATE INDEX "provider_csrs_org_id_created_at_id_idx" ON "provider_csrs"("org_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "provider_csrs_env_id_created_at_id_idx" ON "provider_csrs"("env_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "users_email_id_idx" ON "users"("email", "id");

-- CreateIndex
CREATE INDEX "users_org_id_email_id_idx" ON "users"("org_id", "email", "id");

-- CreateEnum
CREATE TYPE "CaKind" AS ENUM ('root', 'issuing');

-- CreateEnum
CREATE TYPE "RequestStatus" AS ENUM ('pending', 'issued', 'rejected');

-- CreateEnum
CREATE TYPE "RevocationReason" AS ENUM ('unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'certificateHold', 'privilegeWithdrawn', 'aACompromise');

-- CreateTable
CREATE TABLE "certificate_authorities" (
    "id" UUID NOT NULL,
    "env_id" UUID NOT NULL,
    "kind" "CaKind" NOT NULL,
    "key_type" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "serial_hex" TEXT NOT NULL,
    "ski" TEXT NOT NULL,
    "not_before" TIMESTAMPTZ(3) NOT NULL,
    "not_after" TIMESTAMPTZ(3) NOT NULL,
    "cert_der" BYTEA NOT NULL,
    "encrypted_key" BYTEA NOT NULL,
    "master_key_id" TEXT NOT NULL,
    "parent_id" UUID,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "crl_number" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "certificate_authorities_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "profiles" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "definition" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "profiles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "certificate_requests" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "env_id" UUID NOT NULL,
    "profile_code" TEXT NOT NULL,
    "csr_der" BYTEA NOT NULL,
    "subject" TEXT NOT NULL,
    "key_type" TEXT NOT NULL,
    "public_key_fingerprint" TEXT NOT NULL,
    "checks" JSONB NOT NULL,
    "status" "RequestStatus" NOT NULL DEFAULT 'pending',
    "submitted_by_id" UUID,
    "renews_certificate_id" UUID,
    "rejection_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "certificate_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "certificates" (
    "id" UUID NOT NULL,
    "org_id" UUID,
    "env_id" UUID NOT NULL,
    "ca_id" UUID NOT NULL,
    "request_id" UUID,
    "profile_code" TEXT NOT NULL,
    "serial_hex" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "not_before" TIMESTAMPTZ(3) NOT NULL,
    "not_after" TIMESTAMPTZ(3) NOT NULL,
    "der" BYTEA NOT NULL,
    "public_key_fingerprint" TEXT NOT NULL,
    "sha256_fingerprint" TEXT NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "revocation_reason" "RevocationReason",
    "renews_certificate_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "certificates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "crls" (
    "id" UUID NOT NULL,
    "ca_id" UUID NOT NULL,
    "number" BIGINT NOT NULL,
    "this_update" TIMESTAMPTZ(3) NOT NULL,
    "next_update" TIMESTAMPTZ(3) NOT NULL,
    "entries" INTEGER NOT NULL,
    "der" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "crls_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "certificate_authorities_env_id_kind_active_idx" ON "certificate_authorities"("env_id", "kind", "active");

-- CreateIndex
CREATE UNIQUE INDEX "profiles_code_key" ON "profiles"("code");

-- CreateIndex
CREATE INDEX "certificate_requests_org_id_status_idx" ON "certificate_requests"("org_id", "status");

-- CreateIndex
CREATE INDEX "certificate_requests_status_created_at_idx" ON "certificate_requests"("status", "created_at");

-- CreateIndex
CREATE INDEX "certificate_requests_public_key_fingerprint_idx" ON "certificate_requests"("public_key_fingerprint");

-- CreateIndex
CREATE UNIQUE INDEX "certificates_request_id_key" ON "certificates"("request_id");

-- CreateIndex
CREATE INDEX "certificates_public_key_fingerprint_idx" ON "certificates"("public_key_fingerprint");

-- CreateIndex
CREATE INDEX "certificates_org_id_env_id_idx" ON "certificates"("org_id", "env_id");

-- CreateIndex
CREATE INDEX "certificates_ca_id_revoked_at_idx" ON "certificates"("ca_id", "revoked_at");

-- CreateIndex
CREATE UNIQUE INDEX "certificates_ca_id_serial_hex_key" ON "certificates"("ca_id", "serial_hex");

-- CreateIndex
CREATE UNIQUE INDEX "crls_ca_id_number_key" ON "crls"("ca_id", "number");

-- AddForeignKey
ALTER TABLE "certificate_authorities" ADD CONSTRAINT "certificate_authorities_env_id_fkey" FOREIGN KEY ("env_id") REFERENCES "environments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "certificate_authorities" ADD CONSTRAINT "certificate_authorities_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "certificate_authorities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "certificate_requests" ADD CONSTRAINT "certificate_requests_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "certificate_requests" ADD CONSTRAINT "certificate_requests_env_id_fkey" FOREIGN KEY ("env_id") REFERENCES "environments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "certificate_requests" ADD CONSTRAINT "certificate_requests_submitted_by_id_fkey" FOREIGN KEY ("submitted_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_env_id_fkey" FOREIGN KEY ("env_id") REFERENCES "environments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_ca_id_fkey" FOREIGN KEY ("ca_id") REFERENCES "certificate_authorities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "certificate_requests"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "crls" ADD CONSTRAINT "crls_ca_id_fkey" FOREIGN KEY ("ca_id") REFERENCES "certificate_authorities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

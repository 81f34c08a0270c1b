-- CreateEnum
CREATE TYPE "ProviderCsrStatus" AS ENUM ('awaiting_certificate', 'active', 'retired', 'cancelled');

-- CreateTable
CREATE TABLE "provider_csrs" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "env_id" UUID NOT NULL,
    "status" "ProviderCsrStatus" NOT NULL DEFAULT 'awaiting_certificate',
    "profile_code" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "subject_der" BYTEA NOT NULL,
    "csr_der" BYTEA NOT NULL,
    "spki_der" BYTEA NOT NULL,
    "public_key_fingerprint" TEXT NOT NULL,
    "key_source" TEXT NOT NULL,
    "encrypted_key" BYTEA,
    "master_key_id" TEXT,
    "key_downloaded_at" TIMESTAMPTZ(3),
    "cert_der" BYTEA,
    "server_chain_id" UUID,
    "cert_serial_hex" TEXT,
    "cert_sha256" TEXT,
    "cert_issuer" TEXT,
    "cert_not_after" TIMESTAMPTZ(3),
    "created_by_id" UUID,
    "signed_uploaded_by_id" UUID,
    "signed_at" TIMESTAMPTZ(3),
    "retired_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "provider_csrs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "provider_csrs_org_id_env_id_status_idx" ON "provider_csrs"("org_id", "env_id", "status");

-- CreateIndex
CREATE INDEX "provider_csrs_env_id_status_idx" ON "provider_csrs"("env_id", "status");

-- AddForeignKey
ALTER TABLE "provider_csrs" ADD CONSTRAINT "provider_csrs_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "provider_csrs" ADD CONSTRAINT "provider_csrs_env_id_fkey" FOREIGN KEY ("env_id") REFERENCES "environments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

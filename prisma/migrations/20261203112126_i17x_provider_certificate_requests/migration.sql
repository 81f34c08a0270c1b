/*
  Warnings:

  - A unique constraint covering the columns `[provider_certificate_request_id,officer_id]` on the table `approvals` will be added. If there are existing duplicate values, this will fail.

*/
-- CreateEnum
CREATE TYPE "ProviderCertificateRequestStatus" AS ENUM ('pending', 'issued', 'rejected');

-- AlterTable
ALTER TABLE "approvals" ADD COLUMN     "provider_certificate_request_id" UUID;

-- CreateTable
CREATE TABLE "provider_certificate_requests" (
    "id" UUID NOT NULL,
    "env_id" UUID NOT NULL,
    "status" "ProviderCertificateRequestStatus" NOT NULL DEFAULT 'pending',
    "key_source" TEXT NOT NULL,
    "csr_der" BYTEA,
    "common_name" TEXT,
    "subject" TEXT NOT NULL,
    "submitted_by_id" UUID,
    "certificate_id" UUID,
    "rejection_reason" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "provider_certificate_requests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "provider_certificate_requests_certificate_id_key" ON "provider_certificate_requests"("certificate_id");

-- CreateIndex
CREATE INDEX "provider_certificate_requests_env_id_status_idx" ON "provider_certificate_requests"("env_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "approvals_provider_certificate_request_id_officer_id_key" ON "approvals"("provider_certificate_request_id", "officer_id");

-- AddForeignKey
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_provider_certificate_request_id_fkey" FOREIGN KEY ("provider_certificate_request_id") REFERENCES "provider_certificate_requests"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "provider_certificate_requests" ADD CONSTRAINT "provider_certificate_requests_env_id_fkey" FOREIGN KEY ("env_id") REFERENCES "environments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

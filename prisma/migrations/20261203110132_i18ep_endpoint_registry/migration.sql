/*
  Warnings:

  - A unique constraint covering the columns `[endpoint_id,officer_id]` on the table `approvals` will be added. If there are existing duplicate values, this will fail.

*/
-- CreateEnum
CREATE TYPE "EndpointKind" AS ENUM ('callback_url', 'ingress_cidr', 'egress_cidr', 'ingress_url');

-- CreateEnum
CREATE TYPE "EndpointStatus" AS ENUM ('new', 'confirmed', 'rejected');

-- AlterTable
ALTER TABLE "approvals" ADD COLUMN     "endpoint_id" UUID;

-- AlterTable
ALTER TABLE "environments" ADD COLUMN     "allow_private_endpoints" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "partner_endpoints" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "env_id" UUID NOT NULL,
    "kind" "EndpointKind" NOT NULL,
    "value" TEXT NOT NULL,
    "note" TEXT,
    "findings" JSONB NOT NULL DEFAULT '[]',
    "status" "EndpointStatus" NOT NULL DEFAULT 'new',
    "submitted_by_id" UUID,
    "rejection_reason" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "removed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "partner_endpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "provider_endpoints" (
    "id" UUID NOT NULL,
    "env_id" UUID NOT NULL,
    "kind" "EndpointKind" NOT NULL,
    "value" TEXT NOT NULL,
    "note" TEXT,
    "created_by_id" UUID,
    "removed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "provider_endpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "probe_credentials" (
    "env_id" UUID NOT NULL,
    "certificate_id" UUID NOT NULL,
    "encrypted_key" BYTEA NOT NULL,
    "master_key_id" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "probe_credentials_pkey" PRIMARY KEY ("env_id")
);

-- CreateTable
CREATE TABLE "readiness_probes" (
    "id" UUID NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "env_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "http_status" INTEGER,
    "message" TEXT NOT NULL,
    "error" TEXT,
    "remote_address" TEXT,
    "tls_protocol" TEXT,
    "timings" JSONB NOT NULL,
    "peer" JSONB,
    "client_serial" TEXT,
    "requested_by_id" UUID,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "readiness_probes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "partner_endpoints_org_id_env_id_status_idx" ON "partner_endpoints"("org_id", "env_id", "status");

-- CreateIndex
CREATE INDEX "partner_endpoints_env_id_status_idx" ON "partner_endpoints"("env_id", "status");

-- CreateIndex
CREATE INDEX "provider_endpoints_env_id_idx" ON "provider_endpoints"("env_id");

-- CreateIndex
CREATE UNIQUE INDEX "probe_credentials_certificate_id_key" ON "probe_credentials"("certificate_id");

-- CreateIndex
CREATE INDEX "readiness_probes_endpoint_id_created_at_idx" ON "readiness_probes"("endpoint_id", "created_at");

-- CreateIndex
CREATE INDEX "readiness_probes_org_id_env_id_created_at_idx" ON "readiness_probes"("org_id", "env_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "approvals_endpoint_id_officer_id_key" ON "approvals"("endpoint_id", "officer_id");

-- AddForeignKey
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "partner_endpoints"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "partner_endpoints" ADD CONSTRAINT "partner_endpoints_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "partner_endpoints" ADD CONSTRAINT "partner_endpoints_env_id_fkey" FOREIGN KEY ("env_id") REFERENCES "environments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "provider_endpoints" ADD CONSTRAINT "provider_endpoints_env_id_fkey" FOREIGN KEY ("env_id") REFERENCES "environments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "probe_credentials" ADD CONSTRAINT "probe_credentials_env_id_fkey" FOREIGN KEY ("env_id") REFERENCES "environments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "probe_credentials" ADD CONSTRAINT "probe_credentials_certificate_id_fkey" FOREIGN KEY ("certificate_id") REFERENCES "certificates"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "readiness_probes" ADD CONSTRAINT "readiness_probes_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "partner_endpoints"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "readiness_probes" ADD CONSTRAINT "readiness_probes_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "readiness_probes" ADD CONSTRAINT "readiness_probes_env_id_fkey" FOREIGN KEY ("env_id") REFERENCES "environments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

/*
  Warnings:

  - A unique constraint covering the columns `[server_chain_id,officer_id]` on the table `approvals` will be added. If there are existing duplicate values, this will fail.

*/
-- CreateEnum
CREATE TYPE "ServerChainStatus" AS ENUM ('pending', 'endorsed', 'rejected', 'retired');

-- AlterEnum
ALTER TYPE "CaKind" ADD VALUE 'provider_client';

-- AlterTable
ALTER TABLE "approvals" ADD COLUMN     "server_chain_id" UUID;

-- AlterTable
ALTER TABLE "environments" ADD COLUMN     "min_trust_validity_days" INTEGER NOT NULL DEFAULT 30;

-- CreateTable
CREATE TABLE "partner_server_chains" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "env_id" UUID NOT NULL,
    "status" "ServerChainStatus" NOT NULL DEFAULT 'pending',
    "chain_der" BYTEA[],
    "server_cert_der" BYTEA,
    "endpoint_url" TEXT,
    "hosts" JSONB NOT NULL DEFAULT '[]',
    "certificates" JSONB NOT NULL,
    "findings" JSONB NOT NULL,
    "root_fingerprint" TEXT NOT NULL,
    "not_after" TIMESTAMPTZ(3) NOT NULL,
    "submitted_by_id" UUID,
    "rejection_reason" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "endorsed_at" TIMESTAMPTZ(3),
    "retired_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "partner_server_chains_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "partner_server_chains_org_id_env_id_status_idx" ON "partner_server_chains"("org_id", "env_id", "status");

-- CreateIndex
CREATE INDEX "partner_server_chains_env_id_status_idx" ON "partner_server_chains"("env_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "approvals_server_chain_id_officer_id_key" ON "approvals"("server_chain_id", "officer_id");

-- AddForeignKey
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_server_chain_id_fkey" FOREIGN KEY ("server_chain_id") REFERENCES "partner_server_chains"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "partner_server_chains" ADD CONSTRAINT "partner_server_chains_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "partner_server_chains" ADD CONSTRAINT "partner_server_chains_env_id_fkey" FOREIGN KEY ("env_id") REFERENCES "environments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

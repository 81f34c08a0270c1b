/*
  Warnings:

  - A unique constraint covering the columns `[jws_key_id,officer_id]` on the table `approvals` will be added. If there are existing duplicate values, this will fail.

*/
-- CreateEnum
CREATE TYPE "JwsKeyStatus" AS ENUM ('pending', 'endorsed', 'rejected');

-- AlterTable
ALTER TABLE "approvals" ADD COLUMN     "jws_key_id" UUID;

-- AlterTable
ALTER TABLE "environments" ADD COLUMN     "jws_algorithms" TEXT[] DEFAULT ARRAY['RS256', 'PS256', 'ES256']::TEXT[];

-- CreateTable
CREATE TABLE "partner_jws_keys" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "env_id" UUID NOT NULL,
    "status" "JwsKeyStatus" NOT NULL DEFAULT 'pending',
    "kid" TEXT NOT NULL,
    "alg" TEXT NOT NULL,
    "key_label" TEXT NOT NULL,
    "jwk" JSONB NOT NULL,
    "spki_der" BYTEA NOT NULL,
    "spki_sha256" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "cert_der" BYTEA,
    "submitted_by_id" UUID,
    "rejection_reason" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "endorsed_at" TIMESTAMPTZ(3),
    "retire_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "partner_jws_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "provider_jws_keys" (
    "id" UUID NOT NULL,
    "env_id" UUID NOT NULL,
    "kid" TEXT NOT NULL,
    "alg" TEXT NOT NULL,
    "key_label" TEXT NOT NULL,
    "jwk" JSONB NOT NULL,
    "spki_der" BYTEA NOT NULL,
    "spki_sha256" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "encrypted_key" BYTEA,
    "master_key_id" TEXT,
    "created_by_id" UUID,
    "retire_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "provider_jws_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "partner_jws_keys_org_id_env_id_status_idx" ON "partner_jws_keys"("org_id", "env_id", "status");

-- CreateIndex
CREATE INDEX "partner_jws_keys_env_id_status_idx" ON "partner_jws_keys"("env_id", "status");

-- CreateIndex
CREATE INDEX "partner_jws_keys_spki_sha256_idx" ON "partner_jws_keys"("spki_sha256");

-- CreateIndex
CREATE INDEX "provider_jws_keys_spki_sha256_idx" ON "provider_jws_keys"("spki_sha256");

-- CreateIndex
CREATE UNIQUE INDEX "provider_jws_keys_env_id_kid_key" ON "provider_jws_keys"("env_id", "kid");

-- CreateIndex
CREATE UNIQUE INDEX "approvals_jws_key_id_officer_id_key" ON "approvals"("jws_key_id", "officer_id");

-- AddForeignKey
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_jws_key_id_fkey" FOREIGN KEY ("jws_key_id") REFERENCES "partner_jws_keys"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "partner_jws_keys" ADD CONSTRAINT "partner_jws_keys_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "partner_jws_keys" ADD CONSTRAINT "partner_jws_keys_env_id_fkey" FOREIGN KEY ("env_id") REFERENCES "environments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "provider_jws_keys" ADD CONSTRAINT "provider_jws_keys_env_id_fkey" FOREIGN KEY ("env_id") REFERENCES "environments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

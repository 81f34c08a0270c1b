-- CreateEnum
CREATE TYPE "ApprovalDecision" AS ENUM ('approve', 'reject');

-- CreateEnum
CREATE TYPE "AllowlistRequestKind" AS ENUM ('add', 'remove');

-- CreateEnum
CREATE TYPE "AllowlistRequestStatus" AS ENUM ('pending', 'approved', 'rejected');

-- AlterTable
ALTER TABLE "certificate_requests" ADD COLUMN     "decided_at" TIMESTAMPTZ(3),
ADD COLUMN     "decided_by_id" UUID;

-- AlterTable
ALTER TABLE "certificates" ADD COLUMN     "revoked_by_id" UUID;

-- CreateTable
CREATE TABLE "approvals" (
    "id" UUID NOT NULL,
    "certificate_request_id" UUID,
    "allowlist_request_id" UUID,
    "officer_id" UUID NOT NULL,
    "decision" "ApprovalDecision" NOT NULL,
    "comment" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "approvals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "allowlist_requests" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "env_id" UUID NOT NULL,
    "kind" "AllowlistRequestKind" NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "status" "AllowlistRequestStatus" NOT NULL DEFAULT 'pending',
    "submitted_by_id" UUID,
    "rejection_reason" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "allowlist_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "allowlist_request_entries" (
    "id" UUID NOT NULL,
    "request_id" UUID NOT NULL,
    "cidr" TEXT NOT NULL,
    "input" TEXT NOT NULL,
    "entry_id" UUID,
    "warnings" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "allowlist_request_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "allowlist_entries" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "env_id" UUID NOT NULL,
    "cidr" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "added_by_request_id" UUID NOT NULL,
    "removed_at" TIMESTAMPTZ(3),
    "removed_by_request_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "allowlist_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connectivity_tests" (
    "id" UUID NOT NULL,
    "certificate_id" UUID,
    "env_code" TEXT NOT NULL,
    "source_ip" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "connectivity_tests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "approvals_certificate_request_id_officer_id_key" ON "approvals"("certificate_request_id", "officer_id");

-- CreateIndex
CREATE UNIQUE INDEX "approvals_allowlist_request_id_officer_id_key" ON "approvals"("allowlist_request_id", "officer_id");

-- CreateIndex
CREATE INDEX "allowlist_requests_org_id_status_idx" ON "allowlist_requests"("org_id", "status");

-- CreateIndex
CREATE INDEX "allowlist_requests_status_created_at_idx" ON "allowlist_requests"("status", "created_at");

-- CreateIndex
CREATE INDEX "allowlist_request_entries_request_id_idx" ON "allowlist_request_entries"("request_id");

-- CreateIndex
CREATE INDEX "allowlist_entries_env_id_removed_at_idx" ON "allowlist_entries"("env_id", "removed_at");

-- CreateIndex
CREATE INDEX "allowlist_entries_org_id_env_id_idx" ON "allowlist_entries"("org_id", "env_id");

-- CreateIndex
CREATE INDEX "connectivity_tests_certificate_id_at_idx" ON "connectivity_tests"("certificate_id", "at");

-- AddForeignKey
ALTER TABLE "certificate_requests" ADD CONSTRAINT "certificate_requests_renews_certificate_id_fkey" FOREIGN KEY ("renews_certificate_id") REFERENCES "certificates"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_certificate_request_id_fkey" FOREIGN KEY ("certificate_request_id") REFERENCES "certificate_requests"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_allowlist_request_id_fkey" FOREIGN KEY ("allowlist_request_id") REFERENCES "allowlist_requests"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_officer_id_fkey" FOREIGN KEY ("officer_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "allowlist_requests" ADD CONSTRAINT "allowlist_requests_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "allowlist_requests" ADD CONSTRAINT "allowlist_requests_env_id_fkey" FOREIGN KEY ("env_id") REFERENCES "environments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "allowlist_requests" ADD CONSTRAINT "allowlist_requests_submitted_by_id_fkey" FOREIGN KEY ("submitted_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "allowlist_request_entries" ADD CONSTRAINT "allowlist_request_entries_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "allowlist_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "allowlist_entries" ADD CONSTRAINT "allowlist_entries_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "allowlist_entries" ADD CONSTRAINT "allowlist_entries_env_id_fkey" FOREIGN KEY ("env_id") REFERENCES "environments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connectivity_tests" ADD CONSTRAINT "connectivity_tests_certificate_id_fkey" FOREIGN KEY ("certificate_id") REFERENCES "certificates"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- CreateEnum
CREATE TYPE "PartnerRole" AS ENUM ('partner_admin', 'partner_security_officer', 'viewer');

-- AlterEnum
ALTER TYPE "RequestStatus" ADD VALUE 'awaiting_partner_confirmation';

-- AlterTable
ALTER TABLE "certificate_requests" ADD COLUMN     "confirmed_at" TIMESTAMPTZ(3),
ADD COLUMN     "confirmed_by_id" UUID;

-- AlterTable
ALTER TABLE "environments" ADD COLUMN     "min_partner_officers" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "partner_confirmation" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "partner_role" "PartnerRole";

-- CreateTable
CREATE TABLE "invitations" (
    "id" UUID NOT NULL,
    "org_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "partner_role" "PartnerRole" NOT NULL,
    "token_hash" TEXT NOT NULL,
    "invited_by_id" UUID,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "accepted_user_id" UUID,
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "invitations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "invitations_token_hash_key" ON "invitations"("token_hash");

-- CreateIndex
CREATE INDEX "invitations_org_id_created_at_idx" ON "invitations"("org_id", "created_at");

-- CreateIndex
CREATE INDEX "invitations_email_idx" ON "invitations"("email");

-- AddForeignKey
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_invited_by_id_fkey" FOREIGN KEY ("invited_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Data: every existing partner user becomes a partner security officer. They keep every power
-- they had over requests, certificates and exchange material; nobody silently gains user
-- management. A provider admin appoints each organisation's partner admin
-- (`keyport user update --email … --partner-role partner_admin`, or the admin user page).
UPDATE "users" SET "partner_role" = 'partner_security_officer' WHERE "role" = 'partner' AND "partner_role" IS NULL;

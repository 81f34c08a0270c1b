-- AlterTable
ALTER TABLE "api_tokens" ADD COLUMN     "expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "scopes" TEXT[] DEFAULT ARRAY['read', 'submit', 'approve', 'revoke', 'gateway']::TEXT[];

-- AlterTable
ALTER TABLE "organisations" ADD COLUMN     "disabled" BOOLEAN NOT NULL DEFAULT false;

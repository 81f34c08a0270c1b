-- AlterTable
ALTER TABLE "profiles" ALTER COLUMN "definition" SET DATA TYPE JSON;

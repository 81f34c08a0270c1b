-- AlterTable
ALTER TABLE "certificate_requests" ADD COLUMN     "entered_dns_sans" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "entered_ip_sans" TEXT[] DEFAULT ARRAY[]::TEXT[];

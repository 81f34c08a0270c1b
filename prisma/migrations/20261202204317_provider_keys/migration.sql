-- CreateTable
CREATE TABLE "provider_keys" (
    "certificate_id" UUID NOT NULL,
    "encrypted_key" BYTEA NOT NULL,
    "master_key_id" TEXT NOT NULL,
    "downloaded_at" TIMESTAMPTZ(3),
    "downloaded_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "provider_keys_pkey" PRIMARY KEY ("certificate_id")
);

-- AddForeignKey
ALTER TABLE "provider_keys" ADD CONSTRAINT "provider_keys_certificate_id_fkey" FOREIGN KEY ("certificate_id") REFERENCES "certificates"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

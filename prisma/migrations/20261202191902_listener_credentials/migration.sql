-- CreateTable
CREATE TABLE "listener_credentials" (
    "env_id" UUID NOT NULL,
    "certificate_id" UUID NOT NULL,
    "encrypted_key" BYTEA NOT NULL,
    "master_key_id" TEXT NOT NULL,
    "names" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "listener_credentials_pkey" PRIMARY KEY ("env_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "listener_credentials_certificate_id_key" ON "listener_credentials"("certificate_id");

-- AddForeignKey
ALTER TABLE "listener_credentials" ADD CONSTRAINT "listener_credentials_env_id_fkey" FOREIGN KEY ("env_id") REFERENCES "environments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "listener_credentials" ADD CONSTRAINT "listener_credentials_certificate_id_fkey" FOREIGN KEY ("certificate_id") REFERENCES "certificates"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

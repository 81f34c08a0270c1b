-- CreateTable
CREATE TABLE "provider_server_chains" (
    "env_id" UUID NOT NULL,
    "chain_der" BYTEA[],
    "server_cert_der" BYTEA NOT NULL,
    "certificates" JSONB NOT NULL,
    "hosts" JSONB NOT NULL DEFAULT '[]',
    "not_after" TIMESTAMPTZ(3) NOT NULL,
    "updated_by_id" UUID,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "provider_server_chains_pkey" PRIMARY KEY ("env_id")
);

-- AddForeignKey
ALTER TABLE "provider_server_chains" ADD CONSTRAINT "provider_server_chains_env_id_fkey" FOREIGN KEY ("env_id") REFERENCES "environments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

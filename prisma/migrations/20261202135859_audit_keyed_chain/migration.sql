-- AlterTable
ALTER TABLE "audit_chain_head" ADD COLUMN     "key_id" TEXT;

-- AlterTable (hand-edited: the rows already there were written with the unkeyed SHA-256 chain,
-- version 1; new rows default to the keyed chain, version 2, which the application always
-- writes explicitly). Adding a column fires no row trigger, so the append-only guard holds.
ALTER TABLE "audit_events" ADD COLUMN     "chain_version" SMALLINT NOT NULL DEFAULT 1;
ALTER TABLE "audit_events" ALTER COLUMN "chain_version" SET DEFAULT 2;

-- CreateTable
CREATE TABLE "audit_checkpoints" (
    "id" UUID NOT NULL,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "public_key_sha256" TEXT NOT NULL,
    "signature" BYTEA NOT NULL,
    "trigger" TEXT NOT NULL,

    CONSTRAINT "audit_checkpoints_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "audit_checkpoints_seq_key" ON "audit_checkpoints"("seq");

-- CreateIndex
CREATE INDEX "audit_checkpoints_at_idx" ON "audit_checkpoints"("at");

-- ---------------------------------------------------------------------------
-- Hand-written: checkpoints are append-only too, like audit_events (init migration).
-- As there, this stops application bugs and stolen application credentials, not the
-- table owner: a checkpoint's worth is in the copies kept outside the database.
CREATE FUNCTION "audit_checkpoints_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_checkpoints is append-only: % is not allowed', TG_OP
    USING HINT = 'Checkpoints can only be inserted.';
END;
$$;

CREATE TRIGGER "audit_checkpoints_no_update_delete"
  BEFORE UPDATE OR DELETE ON "audit_checkpoints"
  FOR EACH ROW EXECUTE FUNCTION "audit_checkpoints_append_only"();

CREATE TRIGGER "audit_checkpoints_no_truncate"
  BEFORE TRUNCATE ON "audit_checkpoints"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_checkpoints_append_only"();

/*
  Warnings:

  - The primary key for the `audit_events` table will be changed. If it partially fails, the table could be left without primary key constraint.
  - A unique constraint covering the columns `[seq]` on the table `audit_events` will be added. If there are existing duplicate values, this will fail.

*/
-- DropIndex
DROP INDEX "audit_events_id_key";

-- AlterTable
ALTER TABLE "audit_events" DROP CONSTRAINT "audit_events_pkey",
ADD COLUMN     "pending_mac" TEXT,
ALTER COLUMN "seq" DROP NOT NULL,
ALTER COLUMN "seq" DROP DEFAULT,
ALTER COLUMN "prev_hash" DROP NOT NULL,
ALTER COLUMN "hash" DROP NOT NULL,
ADD CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id");
DROP SEQUENCE "audit_events_seq_seq";

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_seq_key" ON "audit_events"("seq");

-- ---------------------------------------------------------------------------
-- Hand-written (issue 21): events are written pending (seq, prev_hash and hash null, their
-- content MAC'd in pending_mac) without any global lock, and chained later by the single
-- sealer (lib/audit/seal-audit.ts). The append-only guard now allows exactly that one
-- update: a pending event given its seq, prev_hash and hash once, its content unchanged.
-- Everything else (another update, any delete, truncate) is still refused.
CREATE FUNCTION "audit_events_seal_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND OLD."seq" IS NULL AND OLD."prev_hash" IS NULL AND OLD."hash" IS NULL
     AND NEW."seq" IS NOT NULL AND NEW."prev_hash" IS NOT NULL AND NEW."hash" IS NOT NULL
     AND (NEW."id", NEW."at", NEW."actor_id", NEW."actor_email", NEW."org_id", NEW."action", NEW."target_type",
          NEW."target_id", NEW."source_ip", NEW."details", NEW."chain_version", NEW."request_id", NEW."pending_mac")
         IS NOT DISTINCT FROM
         (OLD."id", OLD."at", OLD."actor_id", OLD."actor_email", OLD."org_id", OLD."action", OLD."target_type",
          OLD."target_id", OLD."source_ip", OLD."details", OLD."chain_version", OLD."request_id", OLD."pending_mac") THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
    USING HINT = 'Audit events can only be inserted, and a pending event only sealed into the chain.';
END;
$$;

DROP TRIGGER "audit_events_no_update_delete" ON "audit_events";
CREATE TRIGGER "audit_events_no_update_delete"
  BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION "audit_events_seal_only"();

-- The sealer's queue: pending events, oldest first.
CREATE INDEX "audit_events_pending_idx" ON "audit_events" ("at", "id") WHERE "seq" IS NULL;

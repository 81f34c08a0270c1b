-- CreateTable
CREATE TABLE "audit_chain_head" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "audit_chain_head_pkey" PRIMARY KEY ("id")
);

-- ---------------------------------------------------------------------------
-- Hand-written (a CHECK constraint would trip Prisma's WASM schema engine): one row
-- (id 1) that only moves forward and is never deleted (a missing head with events present
-- is itself reported by `keyport audit verify`). Start it at the newest event.

INSERT INTO "audit_chain_head" ("id", "seq", "hash", "updated_at")
SELECT 1, "seq", "hash", now() FROM "audit_events" ORDER BY "seq" DESC LIMIT 1;

CREATE FUNCTION "audit_chain_head_guard"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (TG_OP = 'INSERT' AND NEW."id" = 1) OR (TG_OP = 'UPDATE' AND NEW."id" = 1 AND NEW."seq" > OLD."seq") THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_chain_head only moves forward: % is not allowed', TG_OP
    USING HINT = 'The head is advanced with each new audit event.';
END;
$$;

CREATE TRIGGER "audit_chain_head_forward_only"
  BEFORE INSERT OR UPDATE OR DELETE ON "audit_chain_head"
  FOR EACH ROW EXECUTE FUNCTION "audit_chain_head_guard"();

CREATE TRIGGER "audit_chain_head_no_truncate"
  BEFORE TRUNCATE ON "audit_chain_head"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_chain_head_guard"();

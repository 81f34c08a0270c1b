-- Issue 21: the version of the reference data (environments, profiles, organisations, certificate
-- authorities). Each process caches those rows (lib/db/reference-data.ts) and uses its copy only
-- while this number, read inside the request's own transaction, is the one it loaded them under.
-- Statement-level triggers (hand-written: Prisma's schema has no triggers) bump it on every change,
-- by Keyport or anyone else with write access, in the changing transaction.

-- CreateTable
CREATE TABLE "reference_version" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "reference_version_pkey" PRIMARY KEY ("id")
);

-- A random start: a database recreated under the same URL never reuses a number its predecessor had.
INSERT INTO "reference_version" ("id", "version") VALUES (1, floor(random() * 1e15)::bigint);

CREATE FUNCTION keyport_bump_reference_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE reference_version SET version = version + 1 WHERE id = 1;
  RETURN NULL;
END
$$;

CREATE TRIGGER environments_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "environments"
  FOR EACH STATEMENT EXECUTE FUNCTION keyport_bump_reference_version();
CREATE TRIGGER profiles_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "profiles"
  FOR EACH STATEMENT EXECUTE FUNCTION keyport_bump_reference_version();
CREATE TRIGGER organisations_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "organisations"
  FOR EACH STATEMENT EXECUTE FUNCTION keyport_bump_reference_version();
-- A CA's CRL number moves with every CRL; it is not reference data (never read from the cache).
CREATE TRIGGER certificate_authorities_reference_version AFTER INSERT OR DELETE OR TRUNCATE ON "certificate_authorities"
  FOR EACH STATEMENT EXECUTE FUNCTION keyport_bump_reference_version();
CREATE TRIGGER certificate_authorities_reference_version_update
  AFTER UPDATE OF "id", "env_id", "kind", "key_type", "subject", "serial_hex", "ski", "not_before", "not_after", "cert_der", "encrypted_key", "master_key_id", "parent_id", "active"
  ON "certificate_authorities" FOR EACH STATEMENT EXECUTE FUNCTION keyport_bump_reference_version();

-- A login role that may only read the coordinator's tables, for REPORT_DATABASE_URL (the report
-- routes read through it; everything that writes keeps DATABASE_URL).
--
-- Run it with psql as the role that owns the tables (the DATABASE_URL user, which runs the
-- migrations), so the default privileges below cover the tables later migrations create:
--
--   psql "$DATABASE_URL" -v report_password="$REPORT_PASSWORD" \
--        -f deployment/postgres/readonly-role.sql
--   REPORT_DATABASE_URL=postgres://coordinator_report:$REPORT_PASSWORD@host:5432/coordinator
--
-- Variables (psql -v): report_password (required), report_role (default coordinator_report),
-- report_schema (default public). Running it again keeps the role and sets its password.
-- On PostgreSQL 14 and older every role may create tables in `public` unless the owner runs
-- `REVOKE CREATE ON SCHEMA public FROM PUBLIC;` (the default since 15).

\set ON_ERROR_STOP on
\if :{?report_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'report_password is not set: psql -v report_password=... -f deployment/postgres/readonly-role.sql'; END $$;
\endif
\if :{?report_role}
\else
  \set report_role coordinator_report
\endif
\if :{?report_schema}
\else
  \set report_schema public
\endif

SELECT format('CREATE ROLE %I LOGIN', :'report_role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'report_role') \gexec

-- No inherited rights, no creating anything; every transaction starts read-only.
ALTER ROLE :"report_role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION PASSWORD :'report_password';
ALTER ROLE :"report_role" SET default_transaction_read_only = on;

SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), :'report_role') \gexec
GRANT USAGE ON SCHEMA :"report_schema" TO :"report_role";
GRANT SELECT ON ALL TABLES IN SCHEMA :"report_schema" TO :"report_role";
-- Tables the migrations create later (by the role running this file) are readable too.
ALTER DEFAULT PRIVILEGES IN SCHEMA :"report_schema" GRANT SELECT ON TABLES TO :"report_role";

-- The database role the workers connect as: it may log in and create schemas in the pipeline's
-- database, and so owns the two schemas its first migration creates, bronze and silver (with
-- Flyway's history table in bronze), and nothing else: no superuser, no other database, no role,
-- nothing in public. Run it once, as a superuser or a role with CREATEROLE, connected to the
-- pipeline's database, before the first worker runs:
--
--   psql -d kline -v role=kline_pipeline -v password="$(openssl rand -hex 24)" -f scripts/create-pipeline-role.sql
--
-- then give the workers postgresql://kline_pipeline:<password>@host:5432/kline as KLINE_DATABASE_URL.
-- dagster_project/tests/test_secrets_and_role.py runs the whole pipeline as a role made by this file.
\set ON_ERROR_STOP on
CREATE ROLE :"role" LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
GRANT CONNECT, CREATE ON DATABASE :"DBNAME" TO :"role";

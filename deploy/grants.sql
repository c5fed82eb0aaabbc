-- The app's database role for team mode (run by the database's owner after the first upgrade, e.g.
--   python -m estimator scenarios --db postgresql://owner@db/library upgrade --owner lead@firm.example
--   psql postgresql://owner@db/library -v app_role=churn_app -f deploy/grants.sql
-- The tables belong to the owner; the app reads and writes scenarios and members, and may only ADD to the
-- audit trail: no UPDATE, DELETE or TRUNCATE on audit_log, so no one signed in to the app can rewrite it.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM :"app_role";
GRANT USAGE ON SCHEMA public TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON workspaces, scenarios, scenario_versions, workspace_members TO :"app_role";
GRANT SELECT ON alembic_version TO :"app_role";
GRANT SELECT, INSERT ON audit_log TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";

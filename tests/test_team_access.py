"""Team mode's rules (issue 26) on SQLite and a real PostgreSQL: roles, deny by default, the audit trail,
soft delete, claimed import fields, the upgrade of a library made before team mode, and the app role's grants."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from estimator import Parameters
from estimator.store import ScenarioError, ScenarioStore, audit, read_workspace_bytes
from estimator.store.access import Identity, TeamStore, add_member, list_members, remove_member, team_mode
from estimator.store.audit import audit_csv

ROOT = Path(__file__).resolve().parents[1]
ALICE = Identity("alice@firm.example", "sub-alice")
BOB = Identity("bob@firm.example", "sub-bob")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def library(request, tmp_path: Path) -> ScenarioStore:
    if request.param == "sqlite":
        return ScenarioStore(tmp_path / "team.sqlite3", workspace="A")
    return ScenarioStore(request.getfixturevalue("postgres_url"), workspace="A")


def _as(library: ScenarioStore, who: Identity, workspace: str = "A") -> TeamStore:
    return TeamStore(library.in_workspace(workspace), who)


def test_team_mode_is_off_unless_the_setting_says_so():
    assert not team_mode({})
    assert not team_mode({"CHURN_ESTIMATOR_TEAM": "0"})
    assert team_mode({"CHURN_ESTIMATOR_TEAM": " TRUE "})


def test_the_identity_needs_an_email_from_the_provider():
    assert Identity.from_claims({"sub": "x"}) is None
    assert Identity.from_claims({"email": "not an email"}) is None
    assert Identity.from_claims({"email": " Alice@Firm.Example", "sub": "1"}) == Identity("alice@firm.example", "1")


def test_first_saver_owns_a_new_workspace_and_is_the_author(library):
    alice = _as(library, ALICE)
    saved = alice.save("Plan", Parameters(churn_rate=0.2), author="Mallory")  # a typed author is ignored
    assert (saved.author, alice.role()) == ("alice@firm.example", "owner")
    assert [v.author for v in alice.versions("Plan")] == ["alice@firm.example"]


def test_a_non_member_sees_nothing_and_cannot_save(library):
    alice, bob = _as(library, ALICE), _as(library, BOB)
    alice.save("Plan", Parameters(churn_rate=0.2), note="confidential")
    assert bob.workspaces() == [] and bob.names() == [] and bob.list() == [] and len(bob) == 0
    assert "Plan" not in bob
    # The refusal of a hidden scenario is word for word the one for a name never saved.
    with pytest.raises(ScenarioError) as hidden:
        bob.load("Plan")
    with pytest.raises(ScenarioError) as absent:
        bob.load("Nothing")
    assert hidden.value.code == absent.value.code == "unknown"
    assert str(hidden.value).replace("Plan", "X") == str(absent.value).replace("Nothing", "X")
    for read in (lambda: bob.versions("Plan"), lambda: bob.load_version("Plan", 1), lambda: bob.history("Plan")):
        with pytest.raises(ScenarioError, match="is not a saved scenario"):
            read()
    with pytest.raises(ScenarioError, match="is not a saved scenario"):
        bob.export_workspace()
    with pytest.raises(ScenarioError) as refused:
        bob.save("Plan", Parameters(churn_rate=0.9), overwrite=True)
    assert refused.value.code == "forbidden"
    with pytest.raises(ScenarioError):
        bob.delete("Plan")
    assert alice.load("Plan").parameters.churn_rate == 0.2 and alice.load("Plan").version == 1
    assert bob.members() == [] and bob.audit() == []


def test_a_viewer_reads_and_exports_but_cannot_change(library):
    alice, bob = _as(library, ALICE), _as(library, BOB)
    alice.save("Plan", Parameters(churn_rate=0.2))
    alice.set_member("BOB@firm.example", "viewer")
    assert bob.names() == ["Plan"] and [w.name for w in bob.workspaces()] == ["A"]
    assert bob.open("Plan").parameters.churn_rate == 0.2
    assert '"Plan"' in bob.export_workspace()
    bob.record_export("", None, "workspace file")
    for change in (
        lambda: bob.save("Plan", Parameters(), overwrite=True),
        lambda: bob.restore("Plan", 1),
        lambda: bob.rename("Plan", "Other"),
        lambda: bob.delete("Plan"),
        lambda: bob.set_member("eve@firm.example", "owner"),
    ):
        with pytest.raises(ScenarioError) as refused:
            change()
        assert refused.value.code == "forbidden"
    actions = [(e.email, e.action) for e in alice.audit()][::-1]
    assert actions[:3] == [
        ("alice@firm.example", "member_add"),
        ("alice@firm.example", "save"),
        ("alice@firm.example", "member_add"),
    ]
    assert ("bob@firm.example", "open") in actions and ("bob@firm.example", "export") in actions
    assert [a for a in actions if a == ("bob@firm.example", "denied")] == [("bob@firm.example", "denied")] * 5


def test_owners_see_their_members_sign_ins_only(library):
    alice = _as(library, ALICE)
    alice.save("Plan", Parameters())
    alice.record_sign_in()
    _as(library, BOB).record_sign_in()  # not a member of A: not in A's trail
    assert (alice.audit()[0].email, alice.audit()[0].action) == ("alice@firm.example", "sign_in")
    assert ("bob@firm.example", "sign_in") not in [(e.email, e.action) for e in alice.audit()]
    alice.set_member("bob@firm.example", "viewer")
    assert ("bob@firm.example", "sign_in") in [(e.email, e.action) for e in alice.audit()]


def test_members_never_lose_their_last_owner(library):
    alice = _as(library, ALICE)
    alice.save("Plan", Parameters())
    alice.set_member("bob@firm.example", "editor")
    with pytest.raises(ScenarioError) as caught:
        alice.set_member("alice@firm.example", "viewer")
    assert caught.value.code == "last_owner"
    with pytest.raises(ScenarioError, match="not an email"):
        alice.set_member("bob", "viewer")
    with pytest.raises(ScenarioError, match="allowed: viewer, editor, owner"):
        alice.set_member("carol@firm.example", "admin")
    alice.remove_member("bob@firm.example")
    assert [(m.email, m.role) for m in alice.members()] == [("alice@firm.example", "owner")]


def test_delete_is_soft_restorable_and_purgeable_by_owners(library):
    alice = _as(library, ALICE)
    alice.save("Plan", Parameters(churn_rate=0.2))
    alice.save("Plan", Parameters(churn_rate=0.3), expect_version=1)
    alice.set_member("bob@firm.example", "editor")
    with pytest.raises(ScenarioError, match="cannot be changed"):
        _as(library, BOB).delete("Plan")
    alice.delete("Plan")
    assert alice.names() == [] and [d.name for d in alice.deleted()] == ["Plan"]
    assert [(w.name, w.scenarios) for w in alice.workspaces()] == [("A", 0)]
    assert _as(library, BOB).deleted() == []
    alice.save("Plan", Parameters(churn_rate=0.5))  # the name is free again
    with pytest.raises(ScenarioError) as taken:
        alice.restore_deleted("Plan")
    assert taken.value.code == "duplicate"
    alice.rename("Plan", "Plan new")
    alice.restore_deleted("Plan")
    assert [v.version for v in alice.versions("Plan")] == [1, 2]  # its whole history came back
    alice.delete("Plan new")
    alice.purge("Plan new")
    assert alice.deleted() == [] and alice.names() == ["Plan"]
    actions = [e.action for e in alice.audit()]
    assert {"delete", "restore_deleted", "purge", "rename"} <= set(actions)


def test_rename_and_move_are_versions(library):
    alice = _as(library, ALICE)
    alice.save("Plan", Parameters())
    alice.rename("Plan", "Budget")
    versions = alice.versions("Budget")
    assert [(v.version, v.note) for v in versions] == [(1, ""), (2, "renamed from 'Plan'")]
    alice.move("Budget", "B")
    moved = _as(library, ALICE, "B").versions("Budget")
    assert [v.note for v in moved][-1] == "moved from workspace 'A'" and len(moved) == 3
    assert _as(library, ALICE, "B").role() == "owner"


class _CrashError(Exception):
    pass


def test_a_version_and_its_audit_row_commit_together(library, monkeypatch):
    alice = _as(library, ALICE)
    alice.save("Plan", Parameters(churn_rate=0.2), note="first")
    record = audit.record

    def crash_on(action: str):
        def recording(connection, **fields):
            if fields["action"] == action:
                raise _CrashError(action)  # the process dies between the version and its audit row
            record(connection, **fields)

        return recording

    writes = [
        ("save", lambda: alice.save("Plan", Parameters(churn_rate=0.3), overwrite=True, note="second")),
        ("save", lambda: alice.duplicate("Plan", "Copy")),
        ("restore", lambda: alice.restore("Plan", 1)),
        ("import", lambda: alice.save_draft(alice.load("Plan"), name="Copy")),
    ]
    for action, write in writes:
        monkeypatch.setattr(audit, "record", crash_on(action))
        with pytest.raises(_CrashError):
            write()
        monkeypatch.setattr(audit, "record", record)
        # Neither the version nor its row: never a save without its audit row.
        assert alice.names() == ["Plan"] and [v.version for v in alice.versions("Plan")] == [1], action
    saved = alice.save("Plan", Parameters(churn_rate=0.3), overwrite=True, note="second")
    rows = [(e.action, e.scenario, e.version, e.detail) for e in alice.audit() if e.action == "save"]
    assert rows == [("save", "Plan", 2, "second"), ("save", "Plan", 1, "first")] and saved.version == 2


def test_a_move_needs_editor_in_the_target_workspace(library):
    _as(library, BOB, "B").save("Theirs", Parameters())
    alice = _as(library, ALICE)
    alice.save("Plan", Parameters())
    with pytest.raises(ScenarioError) as refused:
        alice.move("Plan", "B")
    assert refused.value.code == "forbidden"
    assert alice.names() == ["Plan"] and _as(library, BOB, "B").names() == ["Theirs"]


def test_imported_versions_keep_their_authors_as_claims(library, tmp_path):
    solo = ScenarioStore(tmp_path / "solo.sqlite3", workspace="Old")
    solo.save("Plan", Parameters(churn_rate=0.2), author="Carol")
    file_text = solo.export_workspace()
    alice = _as(library, ALICE, "Imported")
    alice.import_workspace(read_workspace_bytes(file_text.encode(), "old.json"))
    assert [v.author for v in alice.versions("Plan")] == ["alice@firm.example"]
    with alice.store._reading() as connection:
        claimed = connection.execute(sa.text("SELECT claimed_author, claimed_at, saved_at FROM scenario_versions")).all()
    mine = [row for row in claimed if row[0] is not None]
    assert len(mine) == 1 and mine[0][0] == "Carol" and mine[0][1] < mine[0][2]


def test_the_audit_exports_as_formula_safe_csv(library):
    alice = _as(library, ALICE)
    alice.save('=HYPERLINK("http://x")', Parameters())
    text = audit_csv(alice.audit())
    assert text.splitlines()[0] == "at,email,subject,action,workspace,scenario,version,detail"
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


def test_cli_style_member_management_records_the_database_user(library):
    add_member(library, "lead@firm.example", "owner")
    assert [(m.email, m.role) for m in list_members(library)] == [("lead@firm.example", "owner")]
    with pytest.raises(ScenarioError) as caught:
        remove_member(library, "lead@firm.example")
    assert caught.value.code == "last_owner"
    assert _as(library, Identity("lead@firm.example")).audit()[0].email == "(database)"


def _library_from_before_team_mode(path: Path) -> None:
    """A library as the code before issue 26 wrote it: schema 0002, two workspaces, typed authors."""
    store = ScenarioStore(path, workspace="A")
    store.save("Plan", Parameters(), author="Anna@Firm.example")
    store.save("Plan", Parameters(churn_rate=0.3), expect_version=1, author="Bob")
    store.in_workspace("Nobody").save("Anon", Parameters(), author="")
    connection = sqlite3.connect(path)
    # Undo 0003 by hand (what 0002 held), so the upgrade below starts from today's main.
    connection.executescript(
        "DROP TABLE workspace_members; DROP TABLE audit_log; "
        "ALTER TABLE scenarios DROP COLUMN deleted_at; ALTER TABLE scenarios DROP COLUMN deleted_by; "
        "ALTER TABLE scenario_versions DROP COLUMN claimed_author; ALTER TABLE scenario_versions DROP COLUMN claimed_at; "
        "UPDATE alembic_version SET version_num = '0002'; PRAGMA user_version = 2;"
    )
    connection.close()


def test_an_old_library_upgrades_in_place_with_the_first_author_as_owner(tmp_path):
    path = tmp_path / "old.sqlite3"
    _library_from_before_team_mode(path)
    store = ScenarioStore(path, workspace="A")
    assert store.names() == ["Plan"]  # reading upgrades it (after a backup)
    assert [(m.email, m.role) for m in list_members(store)] == [("anna@firm.example", "owner")]
    assert list_members(store.in_workspace("Nobody")) == []  # no author seen: the CLI names one
    assert list(tmp_path.glob("old.sqlite3.backup-schema2-*"))


def test_an_old_library_upgrades_with_the_owner_named(tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite3"
    _library_from_before_team_mode(path)
    monkeypatch.setenv("CHURN_ESTIMATOR_INITIAL_OWNER", "Lead@Firm.example")
    store = ScenarioStore(path, workspace="Nobody")
    assert store.names() == ["Anon"]
    assert [m.email for m in list_members(store)] == ["lead@firm.example"]
    assert [m.email for m in list_members(store.in_workspace("A"))] == ["lead@firm.example"]


@pytest.mark.postgres
def test_an_old_postgresql_library_upgrades_in_place(postgres_url):
    store = ScenarioStore(postgres_url, workspace="A")
    store.save("Plan", Parameters(), author="anna@firm.example")
    engine = sa.create_engine(store.url.set(drivername="postgresql+psycopg"))
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "DROP TABLE workspace_members; DROP TABLE audit_log; "
            "ALTER TABLE scenarios DROP COLUMN deleted_at, DROP COLUMN deleted_by; "
            "ALTER TABLE scenario_versions DROP COLUMN claimed_author, DROP COLUMN claimed_at; "
            "UPDATE alembic_version SET version_num = '0002'"
        )
    engine.dispose()
    assert store.names() == ["Plan"]
    assert [(m.email, m.role) for m in list_members(store)] == [("anna@firm.example", "owner")]


@pytest.mark.postgres
def test_the_app_role_cannot_rewrite_the_audit(postgres_url):
    owner_store = ScenarioStore(postgres_url, workspace="A")
    TeamStore(owner_store, ALICE).save("Plan", Parameters())  # creates the schema as the owner
    engine = sa.create_engine(owner_store.url.set(drivername="postgresql+psycopg"))
    grants = (ROOT / "deploy" / "grants.sql").read_text().replace(':"app_role"', '"churn_app"')
    lines = [line for line in grants.splitlines() if not line.startswith("--")]
    statements = [s for s in "\n".join(lines).split(";") if s.strip()]
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE ROLE churn_app LOGIN PASSWORD 'app-pw'")
        for statement in statements:
            connection.exec_driver_sql(statement)
    engine.dispose()
    app_url = owner_store.url.set(username="churn_app", password="app-pw")
    app = TeamStore(ScenarioStore(app_url.render_as_string(hide_password=False), workspace="A"), ALICE)
    app.save("Plan", Parameters(churn_rate=0.3), expect_version=1)  # the app works with its grants
    app.set_member("bob@firm.example", "viewer")
    assert [e.action for e in app.audit()][:2] == ["member_add", "save"]
    app_engine = sa.create_engine(app_url.set(drivername="postgresql+psycopg"))
    try:
        for forbidden in ("UPDATE audit_log SET email = 'nobody'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
            with pytest.raises(sa.exc.ProgrammingError, match="permission denied"), app_engine.begin() as connection:
                connection.exec_driver_sql(forbidden)
    finally:
        app_engine.dispose()
    assert len(app.audit()) >= 4


def test_the_cli_upgrades_with_an_owner_and_manages_members(tmp_path, capsys):
    from estimator.cli import main

    path = tmp_path / "old.sqlite3"
    _library_from_before_team_mode(path)
    base = ["scenarios", "--db", str(path), "--workspace", "A"]
    assert main([*base, "upgrade", "--owner", "Lead@Firm.example"]) == 0
    assert "A\tlead@firm.example" in capsys.readouterr().out
    assert main([*base, "members", "add", "bob@firm.example", "--role", "viewer"]) == 0
    assert main([*base, "members", "set-role", "bob@firm.example", "--role", "editor"]) == 0
    capsys.readouterr()
    assert main([*base, "members", "list"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("bob@firm.example\teditor")
    assert main([*base, "members", "remove", "lead@firm.example"]) == 2
    assert "last owner" in capsys.readouterr().err


def test_every_audited_action_has_its_words_in_every_language():
    from estimator.store.audit import ACTIONS
    from estimator.text.i18n import available_languages, catalogue

    for language in available_languages():
        assert set(catalogue(language)["team"]["action"]) == set(ACTIONS), language


@pytest.mark.postgres
def test_a_pg_dump_restores_scenarios_members_and_audit(postgres_server, postgres_url):
    """docs/deployment.md's backup: pg_dump --format=custom, then pg_restore into an empty database."""
    alice = TeamStore(ScenarioStore(postgres_url, workspace="A"), ALICE)
    alice.save("Plan", Parameters(churn_rate=0.25))
    alice.set_member("bob@firm.example", "viewer")
    source = postgres_url.rsplit("/", 1)[1]
    dump = postgres_server.folder / f"{source}.dump"
    socket_args = ["-h", str(postgres_server.folder), "-p", str(postgres_server.port), "-U", "postgres"]
    postgres_server._run("pg_dump", *socket_args, "--format=custom", f"--file={dump}", source)
    restored_url = postgres_server.create_database(f"{source}_restored")
    postgres_server._run("pg_restore", *socket_args, "--no-owner", f"--dbname={source}_restored", str(dump))
    restored = TeamStore(ScenarioStore(restored_url, workspace="A"), ALICE)
    assert restored.load("Plan").parameters.churn_rate == 0.25
    assert [(m.email, m.role) for m in restored.members()] == [("alice@firm.example", "owner"), ("bob@firm.example", "viewer")]
    assert [(e.email, e.action) for e in restored.audit()] == [(e.email, e.action) for e in alice.audit()]
    assert [e.action for e in restored.audit()] == ["member_add", "save", "member_add"]
    assert TeamStore(ScenarioStore(restored_url, workspace="A"), BOB).names() == ["Plan"]

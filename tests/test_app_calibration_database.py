"""The Calibration tab reads a table from a real PostgreSQL (aggregated there), never showing the password;
only a database of the operator's list ($CHURN_ESTIMATOR_APP_DATABASES), with the credentials typed."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from estimator.calibration import calibrate
from estimator.paths import APP_DATABASES_ENV
from estimator.text.i18n import param_label, t
from ui.main import TABS_KEY

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
sys.path.insert(0, str(ROOT / "scripts"))
from make_sample_customers import generate  # noqa: E402


def _create(postgres_url: str, *statements: str) -> None:
    engine = sa.create_engine(postgres_url)
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


pytestmark = pytest.mark.postgres


def allow(monkeypatch, url: str) -> str:
    """Let the app read the database of ``url`` (as an operator would); the list's entry."""
    parts = urlsplit(url)
    entry = f"{parts.hostname}:{parts.port or 5432}{parts.path}"
    monkeypatch.setenv(APP_DATABASES_ENV, entry)
    return entry


def _tab_reading(url: str, table: str, monkeypatch=None) -> AppTest:
    """The Calibration tab after the user typed a database URL and a table and pressed "read"."""
    if monkeypatch is not None:
        allow(monkeypatch, url)
    app = AppTest.from_file(str(APP), default_timeout=180)
    app.session_state[TABS_KEY] = t("tabs.calibration")
    app.run()
    next(box for box in app.text_input if box.key == "calibration_db_url").set_value(url)
    next(box for box in app.text_input if box.key == "calibration_db_table").set_value(table)
    next(b for b in app.button if b.key == "calibration_db_read").click()
    return app.run()


def test_a_database_table_is_calibrated_in_the_tab(postgres_url, tmp_path, monkeypatch):
    from postgres_server import PASSWORD

    frame = generate(3000, seed=8)
    frame["customer_id"] = [f"D{i}" for i in range(len(frame))]
    engine = sa.create_engine(postgres_url)
    try:
        frame.to_sql("customers", engine, index=False)
    finally:
        engine.dispose()
    app = _tab_reading(postgres_url.replace("postgresql+psycopg://", "postgresql://"), "customers", monkeypatch)
    assert not app.exception and not app.error, [e.value for e in app.error]
    rows = next(m for m in app.metric if m.label == t("calibration.rows"))
    assert rows.value == f"{len(frame):,}"
    path = tmp_path / "customers.parquet"
    frame.to_parquet(path, index=False)
    expected = calibrate(path)
    shown = app.dataframe[0].value
    assert len(shown) == len(expected.estimates)
    everything = " ".join(str(e.value) for kind in (app.markdown, app.caption, app.metric, app.warning) for e in kind)
    assert PASSWORD not in everything and PASSWORD not in str(shown.to_dict())


def test_a_database_without_a_table_asks_for_both(monkeypatch):
    monkeypatch.setenv(APP_DATABASES_ENV, "db/crm")
    app = AppTest.from_file(str(APP), default_timeout=180)
    app.session_state[TABS_KEY] = t("tabs.calibration")
    app.run()
    next(box for box in app.text_input if box.key == "calibration_db_url").set_value("postgresql://anna@db/crm")
    next(b for b in app.button if b.key == "calibration_db_read").click()
    app.run()
    assert [w.value for w in app.warning] == [t("calibration.database.incomplete")]


def test_a_table_that_cannot_be_used_is_called_a_table_not_a_file(postgres_url, monkeypatch):
    _create(
        postgres_url,
        "CREATE TABLE odd_flags (customer_id text, churned text)",
        "INSERT INTO odd_flags VALUES ('A1', 'yes'), ('A2', 'no'), ('A3', 'perhaps')",
    )
    app = _tab_reading(postgres_url, "odd_flags", monkeypatch)
    assert not app.exception
    (error,) = [e.value for e in app.error]
    assert error.startswith(t("calibration.error_heading_table")) and t("calibration.error_hint_table") in error
    assert "churned" in error and "perhaps" in error  # the field and the value that is not yes/no


def test_two_columns_that_could_be_churned_and_disagree_are_chosen_in_the_mapping_step(postgres_url, monkeypatch):
    # No dead end: the error names both columns and the mapping step lets the user pick one (the app does not guess).
    _create(
        postgres_url,
        "CREATE TABLE two_flags (customer_id text, churned text, exited text)",
        "INSERT INTO two_flags VALUES ('A1', 'yes', 'yes'), ('A2', 'no', 'yes'), ('A3', 'no', 'no'), ('A4', 'no', 'no')",
    )
    app = _tab_reading(postgres_url, "two_flags", monkeypatch)
    assert not app.exception
    (error,) = [e.value for e in app.error]
    assert "'churned' and 'exited'" in error
    choice = app.selectbox(key="calibration_map_churned")
    assert choice.value is None and {"churned", "exited"} <= set(choice.options)
    choice.set_value("exited").run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    rows = next(m for m in app.metric if m.label == t("calibration.rows"))
    assert rows.value == "4"
    table = app.dataframe[0].value
    (churn,) = [" ".join(map(str, row)) for row in table.itertuples(index=False) if param_label("churn_rate") in row]
    assert churn.startswith(f"{param_label('churn_rate')} 50% ")  # exited: 2 of 4 (churned would say 25%)


def test_the_database_source_is_off_unless_the_operator_lists_databases(monkeypatch):
    monkeypatch.delenv(APP_DATABASES_ENV, raising=False)
    app = AppTest.from_file(str(APP), default_timeout=180)
    app.session_state[TABS_KEY] = t("tabs.calibration")
    app.run()
    assert not app.exception
    assert not [box for box in app.text_input if box.key == "calibration_db_url"]
    assert not [b for b in app.button if b.key == "calibration_db_read"]
    monkeypatch.setenv(APP_DATABASES_ENV, "db.internal:5432/crm, warehouse/*")
    app = AppTest.from_file(str(APP), default_timeout=180)
    app.session_state[TABS_KEY] = t("tabs.calibration")
    app.run()
    assert [box.key for box in app.text_input if box.key == "calibration_db_url"] == ["calibration_db_url"]
    assert t("calibration.database.allowed", databases="db.internal:5432/crm, warehouse/*") in [c.value for c in app.caption]


def test_the_tab_refuses_a_database_off_the_list_and_the_servers_own_credentials(postgres_url, monkeypatch):
    from postgres_server import PASSWORD

    parts = urlsplit(postgres_url)
    monkeypatch.setenv(APP_DATABASES_ENV, f"{parts.hostname}:{parts.port}/another_database")
    app = _tab_reading(postgres_url, "customers")
    (error,) = [e.value for e in app.error]
    assert "is not among the databases this app may read" in error and PASSWORD not in error
    # No password typed: the server's PGPASSWORD is not used in its place.
    allow(monkeypatch, postgres_url)
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    app = _tab_reading(postgres_url.replace(f":{PASSWORD}@", "@"), "pg_catalog.pg_authid")
    (error,) = [e.value for e in app.error]
    assert "with your own user and password" in error
    assert not app.dataframe

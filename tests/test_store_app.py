"""The app's shared library: the author asked once, refused saves with their two ways out, history,
workspaces from the sidebar and the link, and a PostgreSQL server that goes away and comes back."""

from __future__ import annotations

import pytest
from postgres_server import PASSWORD, running_server
from streamlit.testing.v1 import AppTest
from test_app import APP, assert_headline, assert_no_exception, slider
from test_app_scenarios import errors, library_table, successes

import estimator.controls
import estimator.text.i18n
from estimator import Parameters
from estimator.analysis.compare import GROUPS
from estimator.store import DATABASE_ENV, ScenarioStore
from estimator.text.i18n import t
from ui import scenarios as tab
from ui import state
from ui.main import TABS_KEY
from ui.plots import _CHARTS_ENABLED
from ui.sidebar import group_key


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def library(request, tmp_path, monkeypatch) -> ScenarioStore:
    where = request.getfixturevalue("postgres_url") if request.param == "postgresql" else str(tmp_path / "library.sqlite3")
    monkeypatch.setenv(DATABASE_ENV, where)
    return ScenarioStore(where)


def open_tab(author: str | None = "Anna", query: dict | None = None) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.session_state[_CHARTS_ENABLED] = True
    app.session_state[TABS_KEY] = t("tabs.scenarios")
    for group in GROUPS:
        app.session_state[group_key(group)] = True
    if author is not None:
        app.session_state[tab.AUTHOR] = author
    for key, value in (query or {}).items():
        app.query_params[key] = value
    return app.run()


def frame_with(app: AppTest, column: str):
    """The one table shown with this column."""
    (frame,) = [element.value for element in app.dataframe if column in element.value.columns]
    return frame


def set_churn(app: AppTest, value: float) -> None:
    slider(app, "churn_rate").set_value(estimator.controls.control_for("churn_rate").to_display(value)).run()


def save_as(app: AppTest, name: str, note: str = "") -> None:
    app.text_input(key=tab.SAVE_NAME).set_value(name).run()
    app.text_input(key=tab.SAVE_NOTE).set_value(note).run()
    app.button(key=tab.SAVE_BUTTON).click().run()


def test_the_author_is_asked_once_and_kept(library):
    app = open_tab(author=None)
    save_as(app, "Base")
    assert errors(app) == [t("store.author_needed")] and library.names() == []
    app.text_input(key=tab.AUTHOR_WIDGET).set_value("Zofia Nowak").run()
    save_as(app, "Base", note="first cut")
    assert_no_exception(app)
    assert successes(app) == [t("scenarios.saved", name="Base")]
    assert tab.AUTHOR_WIDGET not in [box.key for box in app.text_input]  # asked once: no box any more
    assert [(v.author, v.note) for v in library.versions("Base")] == [("Zofia Nowak", "first cut")]
    assert t("store.saving_as", author="Zofia Nowak") in [c.value for c in app.caption]
    assert PASSWORD not in " ".join(c.value for c in app.caption)


def test_a_save_after_someone_elses_is_refused_and_offers_both_ways(library):
    library.save("Base", Parameters(churn_rate=0.2), author="Ben")
    app = open_tab()
    app.selectbox(key=tab.SELECTED).select("Base").run()
    app.button(key=tab.LOAD_BUTTON).click().run()
    set_churn(app, 0.3)
    # Meanwhile a colleague saves the same scenario (another process, another server ...).
    library.save("Base", Parameters(churn_rate=0.25), expect_version=1, author="Cleo", note="client data")
    save_as(app, "Base")
    assert_no_exception(app)
    (message,) = errors(app)
    saved_at = library.versions("Base")[1].saved_at.strftime("%Y-%m-%d %H:%M UTC")
    assert message == t("store.conflict", name="Base", author="Cleo", time=saved_at, version=2, expected=1)
    assert library.load("Base").parameters.churn_rate == 0.25  # nothing overwritten
    difference = frame_with(app, t("store.yours"))
    assert list(difference.columns) == [t("store.theirs", version=2, author="Cleo"), t("store.yours")]
    assert difference.loc[estimator.text.i18n.param_label("churn_rate")].tolist() == ["25%", "30%"]
    # Way one: save as a new scenario.
    app.text_input(key=tab.CONFLICT_NEW_NAME).set_value("Base (Anna)").run()
    app.button(key=tab.SAVE_AS_NEW_BUTTON).click().run()
    assert library.load("Base (Anna)").parameters.churn_rate == 0.3 and library.load("Base").version == 2
    # Way two: open Base again, change, Cleo saves again, overwrite having seen it.
    app.selectbox(key=tab.SELECTED).select("Base").run()
    app.button(key=tab.LOAD_BUTTON).click().run()
    set_churn(app, 0.35)
    library.save("Base", Parameters(churn_rate=0.26), expect_version=2, author="Cleo")
    save_as(app, "Base")
    assert errors(app) and library.load("Base").version == 3
    app.button(key=tab.OVERWRITE_SEEN_BUTTON).click().run()
    assert_no_exception(app)
    assert successes(app) == [t("store.saved_version", name="Base", version=4)]
    assert [(v.version, v.author) for v in library.versions("Base")] == [(1, "Ben"), (2, "Cleo"), (3, "Cleo"), (4, "Anna")]
    assert library.load("Base").parameters.churn_rate == 0.35


def test_history_compares_two_versions_and_restores_one(library):
    library.save("Base", Parameters(churn_rate=0.2), author="Ben", note="brief")
    library.save("Base", Parameters(churn_rate=0.3), expect_version=1, author="Cleo", note="data")
    app = open_tab()
    history = frame_with(app, t("store.column_author"))
    assert history[t("store.column_author")].tolist() == ["Ben", "Cleo"]
    assert history[t("store.column_note")].tolist() == ["brief", "data"]
    assert app.session_state[tab.HISTORY_FROM] == 1 and app.session_state[tab.HISTORY_TO] == 2
    # The two versions side by side, with the scenario comparison's table (churn differs, highlighted).
    compared = frame_with(app, t("store.version_label", version=2))
    assert compared.loc[estimator.text.i18n.param_label("churn_rate")].tolist() == ["20%", "30%"]
    app.button(key=tab.RESTORE_BUTTON).click().run()
    assert_no_exception(app)
    assert successes(app) == [t("store.restored", name="Base", version=1, new_version=3)]
    assert library.load("Base").parameters.churn_rate == 0.2 and library.load("Base").author == "Anna"


def test_workspaces_from_the_sidebar_and_the_link(library):
    library.save("Default one", Parameters())
    library.in_workspace("Acme").save("Acme plan", Parameters(churn_rate=0.3))
    app = open_tab(query={"workspace": "Acme"})
    assert_no_exception(app)
    assert library_table(app)[t("scenarios.column_name")].tolist() == ["Acme plan"]
    assert app.query_params["workspace"] == "Acme"
    assert app.selectbox(key=tab.WORKSPACE_PICKER).value == "Acme"
    assert app.selectbox(key=tab.WORKSPACE_PICKER).options == ["Acme", t("store.default_workspace")]  # the default one translated
    # A new workspace from the box: empty, and the first save creates it.
    app.text_input(key=tab.NEW_WORKSPACE).set_value("Beta Corp").run()
    app.button(key=tab.OPEN_WORKSPACE_BUTTON).click().run()
    assert app.query_params["workspace"] == "Beta Corp"
    assert [info.value for info in app.info] == [t("scenarios.empty")]
    save_as(app, "Beta base")
    assert library.in_workspace("Beta Corp").names() == ["Beta base"]
    assert library.in_workspace("Acme").names() == ["Acme plan"] and library.names() == ["Default one"]
    # Moving a scenario takes it out of this workspace's list.
    app.text_input(key=tab.MOVE_TO).set_value("Acme").run()
    app.button(key=tab.MOVE_BUTTON).click().run()
    assert successes(app) == [t("store.moved", name="Beta base", workspace="Acme")]
    assert library.in_workspace("Acme").names() == ["Acme plan", "Beta base"]


def test_a_second_server_sees_a_save_on_its_next_rerun(library):
    one, two = open_tab(author="Anna"), open_tab(author="Ben")
    set_churn(one, 0.3)
    save_as(one, "From server one")
    two.run()
    assert library_table(two)[t("scenarios.column_name")].tolist() == ["From server one"]


@pytest.fixture
def own_postgres():
    """A server of this test's own, to stop and start without disturbing the others."""
    yield from running_server()


@pytest.mark.postgres
@pytest.mark.slow
def test_the_app_says_plainly_when_the_server_is_down_and_recovers_without_a_restart(own_postgres, monkeypatch):
    url = own_postgres.create_database("app")
    monkeypatch.setenv(DATABASE_ENV, url)
    ScenarioStore(url).save("Base", Parameters(churn_rate=0.3), author="Ben")
    app = open_tab()
    assert library_table(app)[t("scenarios.column_name")].tolist() == ["Base"]
    own_postgres.stop(mode="immediate")
    app.run()
    assert_no_exception(app)
    shown = " ".join(errors(app))
    assert t("store.error.unavailable", detail="").split("(")[0].strip() in shown and PASSWORD not in shown
    # The inputs still work while the library is away.
    set_churn(app, 0.25)
    assert_headline(app, Parameters(churn_rate=0.25))
    assert tab.SAVE_BUTTON not in [button.key for button in app.button]  # nothing to press that cannot work
    own_postgres.start()
    app.run()
    assert_no_exception(app)
    assert library_table(app)[t("scenarios.column_name")].tolist() == ["Base"]
    save_as(app, "After")
    assert ScenarioStore(url).load("After").parameters.churn_rate == 0.25
    assert app.session_state[state.WORKSPACE] == "default"

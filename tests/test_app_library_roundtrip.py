"""The scenario library as a round trip: restore → headline and sliders → save, save as a new name → link.

Each test drives the app headlessly on a SQLite library in tmp_path and checks what the user then
sees (headline, sliders, the address bar's query) against the library itself.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from test_app import APP, assert_headline, assert_no_exception, slider
from test_app_scenarios import errors, successes

import estimator.controls
from estimator import Parameters
from estimator.analysis.compare import GROUPS
from estimator.store import DATABASE_ENV, ScenarioStore
from estimator.text.i18n import language_scope, t, t_plural
from ui import scenarios as tab
from ui import state
from ui.main import TABS_KEY
from ui.plots import _CHARTS_ENABLED
from ui.sidebar import group_key


@pytest.fixture
def library(tmp_path, monkeypatch) -> ScenarioStore:
    path = tmp_path / "library.sqlite3"
    monkeypatch.setenv(DATABASE_ENV, str(path))
    return ScenarioStore(path)


def open_tab(author: str | None = "Anna") -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.session_state[_CHARTS_ENABLED] = False
    app.session_state[TABS_KEY] = t("tabs.scenarios")
    for group in GROUPS:
        app.session_state[group_key(group)] = True
    if author is not None:
        app.session_state[tab.AUTHOR] = author
    return app.run()


def churn_slider_shows(app: AppTest, churn: float) -> None:
    assert slider(app, "churn_rate").value == pytest.approx(estimator.controls.control_for("churn_rate").to_display(churn))


def history_expander(app: AppTest):
    (found,) = [e for e in app.expander if e.label.startswith(t_plural("store.history_title", 1).split("(")[0])]
    return found


def test_restore_puts_the_restored_values_on_screen_and_the_next_save_is_no_conflict(library):
    library.save("Base", Parameters(churn_rate=0.2), author="Ben")
    library.save("Base", Parameters(churn_rate=0.3), expect_version=1, author="Cleo")
    app = open_tab()
    app.selectbox(key=tab.SELECTED).select("Base").run()
    app.button(key=tab.LOAD_BUTTON).click().run()
    assert_headline(app, library.load("Base").parameters)  # version 2: churn 30%
    churn_slider_shows(app, 0.3)
    app.button(key=tab.RESTORE_BUTTON).click().run()  # version 1 by default ("from")
    assert_no_exception(app)
    restored = library.load("Base")
    assert restored.version == 3 and restored.parameters.churn_rate == 0.2
    # On screen: the headline and the slider show the restored version, not the one loaded before.
    assert_headline(app, restored.parameters)
    churn_slider_shows(app, 0.2)
    assert app.session_state[tab.BASE] == ("default", "Base", 3)
    # A save straight after the restore is the next version, not "saved by Anna after version 2".
    app.text_input(key=tab.SAVE_NOTE).set_value("after the restore").run()
    app.button(key=tab.SAVE_BUTTON).click().run()
    assert_no_exception(app)
    assert errors(app) == []
    assert successes(app) == [t("store.saved_version", name="Base", version=4)]
    assert library.load("Base").parameters.churn_rate == 0.2


def test_restore_says_its_outcome_by_the_button(library):
    library.save("Base", Parameters(churn_rate=0.2), author="Ben")
    library.save("Base", Parameters(churn_rate=0.3), expect_version=1, author="Cleo")
    app = open_tab(author=None)
    app.button(key=tab.RESTORE_BUTTON).click().run()
    assert_no_exception(app)
    # The message is in the history panel, beside the button, not at the top of the tab.
    assert [e.value for e in history_expander(app).error] == [t("store.author_needed")]
    assert library.load("Base").version == 2
    app.session_state[tab.AUTHOR] = "Anna"
    app.button(key=tab.RESTORE_BUTTON).click().run()
    assert [e.value for e in history_expander(app).success] == [t("store.restored", name="Base", version=1, new_version=3)]
    assert library.versions("Base")[-1].note == t("store.restored_note", version=1)


def test_save_as_a_new_name_puts_the_new_name_in_the_link(library):
    app = open_tab()
    app.text_input(key=tab.SAVE_NAME).set_value("Plan A").run()
    app.button(key=tab.SAVE_BUTTON).click().run()
    assert app.query_params["name"] == "Plan A"
    slider(app, "churn_rate").set_value(estimator.controls.control_for("churn_rate").to_display(0.25)).run()
    app.text_input(key=tab.SAVE_NAME).set_value("Plan B").run()
    app.button(key=tab.SAVE_BUTTON).click().run()
    assert_no_exception(app)
    assert successes(app) == [t("scenarios.saved", name="Plan B")]
    # The link now opens "Plan B" over Plan B's numbers.
    assert app.query_params["name"] == "Plan B"
    assert app.query_params["churn_rate"] == "0.25"
    assert app.session_state[state.SCENARIO]["name"] == "Plan B"
    assert library.load("Plan B").parameters.churn_rate == 0.25


def test_a_versions_note_is_not_kept_for_the_next_save(library):
    app = open_tab()
    app.text_input(key=tab.SAVE_NAME).set_value("Base").run()
    app.text_input(key=tab.SAVE_NOTE).set_value("first cut").run()
    app.button(key=tab.SAVE_BUTTON).click().run()
    assert app.text_input(key=tab.SAVE_NOTE).value == ""
    app.button(key=tab.SAVE_BUTTON).click().run()
    assert [v.note for v in library.versions("Base")] == ["first cut", ""]


def test_the_library_path_is_not_on_the_screen(library):
    library.save("Base", Parameters())
    app = open_tab()
    shown = " ".join(
        str(e.value) for e in [*app.caption, *app.markdown, *app.info, *app.success, *app.error] if e.value is not None
    )
    assert str(library.path) not in shown and library.path.name not in shown
    assert t("store.library_where", workspace=t("store.default_workspace")) in shown


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("en", 1, "History (1 version)"),
        ("en", 2, "History (2 versions)"),
        ("pl", 1, "Historia (1 wersja)"),
        ("pl", 3, "Historia (3 wersje)"),
        ("pl", 5, "Historia (5 wersji)"),
        ("pl", 22, "Historia (22 wersje)"),
        ("el", 1, "Ιστορικό (1 έκδοση)"),
        ("el", 4, "Ιστορικό (4 εκδόσεις)"),
        ("nl", 1, "Geschiedenis (1 versie)"),
        ("hu", 7, "Előzmények (7 változat)"),
    ],
)
def test_history_title_takes_the_languages_plural_form(language, count, expected):
    with language_scope(language):
        assert t_plural("store.history_title", count) == expected


def test_the_default_workspace_is_named_in_the_pages_language(library):
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.query_params["lang"] = "pl"
    app.session_state[TABS_KEY] = "Scenariusze"
    app.run()
    with language_scope("pl"):
        label = t("store.default_workspace")
    assert label == "Domyślny"
    assert app.selectbox(key=tab.WORKSPACE_PICKER).options == [label]
    assert app.session_state[state.WORKSPACE] == "default"  # stored under the contract's name

"""The scenario library tab, driven headlessly on a real SQLite file in tmp_path (via CHURN_ESTIMATOR_DB)."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from test_app import APP, assert_headline, assert_no_exception, entry_number, method_switch, slider

import estimator.controls
from estimator import PARAMETER_SPECS, Parameters, estimate, load_preset
from estimator.analysis.compare import GROUPS
from estimator.core.parameters import NUMERIC_KEYS
from estimator.store import DATABASE_ENV, ScenarioStore, compare_scenarios
from estimator.text.formatting import format_money, format_parameter
from estimator.text.i18n import param_label, t
from ui import scenarios as tab
from ui import state
from ui.main import TABS_KEY
from ui.plots import _CHARTS_ENABLED
from ui.sidebar import group_key
from ui.uncertainty import RANGES_KEY

TELECOM = load_preset("telecom_cable").parameters.replace(churn_rate=0.23, currency="PLN", method="bottom_up")


@pytest.fixture
def library(tmp_path, monkeypatch) -> ScenarioStore:
    path = tmp_path / "library.sqlite3"
    monkeypatch.setenv(DATABASE_ENV, str(path))
    return ScenarioStore(path)


def open_tab() -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.session_state[_CHARTS_ENABLED] = True
    app.session_state[TABS_KEY] = t("tabs.scenarios")
    app.session_state[tab.AUTHOR] = "Tester"  # asked once per session; see test_store_app.py for the asking
    for group in GROUPS:  # every input group open, so every slider and box is drawn
        app.session_state[group_key(group)] = True
    return app.run()


def library_table(app: AppTest) -> pd.DataFrame:
    """The list of saved scenarios (the table with a name column)."""
    (table,) = [frame.value for frame in app.dataframe if t("scenarios.column_name") in frame.value.columns]
    return table


def comparison_table(app: AppTest) -> pd.DataFrame:
    """The comparison (the table whose rows start with the number of customers)."""
    found = [frame.value for frame in app.dataframe if len(frame.value) and frame.value.index[0] == param_label("customers")]
    assert len(found) == 1, f"{len(found)} comparison tables"
    return found[0]


def successes(app: AppTest) -> list[str]:
    return [element.value for element in app.success]


def errors(app: AppTest) -> list[str]:
    return [element.value for element in app.error]


def test_an_empty_library_says_how_to_start(library):
    app = open_tab()
    assert_no_exception(app)
    assert [info.value for info in app.info] == [t("scenarios.empty")]
    assert not library.path.exists()  # looking creates nothing


def test_saving_stores_exactly_the_current_scenario_with_notes_and_ranges(library):
    app = open_tab()
    app.session_state[RANGES_KEY] = {"churn_rate": (0.1, 0.3), "service_share": (0.9, 1.0)}  # the second misses 0.4
    slider(app, "churn_rate").set_value(estimator.controls.control_for("churn_rate").to_display(0.22)).run()
    app.text_input(key=tab.SAVE_NAME).set_value("Workshop A").run()
    app.text_area(key=tab.SAVE_NOTES).set_value("Agreed with the CFO").run()
    app.button(key=tab.SAVE_BUTTON).click().run()
    assert_no_exception(app)
    assert successes(app) == [t("scenarios.saved", name="Workshop A")]
    saved = library.load("Workshop A")
    assert saved.parameters.model_inputs() == Parameters(churn_rate=0.22).model_inputs()
    assert saved.notes == "Agreed with the CFO"
    assert saved.ranges == {"churn_rate": (0.1, 0.3)}  # a range that no longer fits is not saved
    # It is listed with its yearly loss.
    table = library_table(app)
    assert table[t("scenarios.column_name")].tolist() == ["Workshop A"]
    assert table[t("scenarios.column_total")].tolist() == [format_money(estimate(churn_rate=0.22).total, "EUR")]


def test_saving_under_a_taken_name_is_refused_until_replace_is_ticked(library):
    library.save("Base", Parameters(churn_rate=0.3))
    app = open_tab()
    app.text_input(key=tab.SAVE_NAME).set_value("Base").run()
    app.button(key=tab.SAVE_BUTTON).click().run()
    assert errors(app) == [t("scenarios.error.duplicate", value="Base")]
    assert library.load("Base").parameters.churn_rate == 0.3
    app.checkbox(key=tab.SAVE_OVERWRITE).check().run()
    app.button(key=tab.SAVE_BUTTON).click().run()
    assert successes(app) and library.load("Base").parameters.churn_rate == Parameters().churn_rate


def test_an_empty_name_is_refused_with_a_message(library):
    app = open_tab()
    app.text_input(key=tab.SAVE_NAME).set_value("   ").run()
    app.button(key=tab.SAVE_BUTTON).click().run()
    assert_no_exception(app)
    assert errors(app) == [t("scenarios.error.empty_name")]
    assert not library.path.exists()


def test_loading_shows_the_scenario_in_the_headline_and_every_input(library):
    ranges = {"churn_rate": (0.15, 0.3)}
    library.save("Telecom Q3", TELECOM, ranges=ranges, notes="n", provenance={"churn_rate": "calibrated"})
    library.save("Another", Parameters())
    app = open_tab()
    assert_headline(app, load_preset("generic_b2c").parameters)
    app.selectbox(key=tab.SELECTED).select("Telecom Q3").run()
    app.button(key=tab.LOAD_BUTTON).click().run()
    assert_no_exception(app)
    loaded = library.load("Telecom Q3").parameters
    assert_headline(app, loaded)
    assert successes(app) == [t("scenarios.loaded", name="Telecom Q3")]
    # Every exact box and slider shows the loaded value; the method switch too.
    for key in NUMERIC_KEYS:
        control = estimator.controls.control_for(key)
        assert entry_number(app, key) == pytest.approx(control.to_display(loaded[key]), rel=1e-12), key
        if control.kind != "log":
            assert slider(app, key).value == pytest.approx(control.to_display(loaded[key]), rel=1e-12), key
    assert method_switch(app).value == "bottom_up"
    assert app.session_state[state.SCENARIO] == loaded.to_dict()
    assert app.session_state[RANGES_KEY] == ranges
    assert app.session_state[state.PROVENANCE] == {"churn_rate": (loaded.churn_rate, "calibrated")}
    # The loaded scenario keeps working: a slider move changes it from there.
    slider(app, "churn_rate").set_value(estimator.controls.control_for("churn_rate").to_display(0.25)).run()
    assert_headline(app, loaded.replace(churn_rate=0.25))
    # ...and the moved value is the user's, no longer credited to the data it was loaded with.
    app.session_state[TABS_KEY] = t("tabs.assumptions")
    app.run()
    table = app.table[0].value
    sources = dict(zip(table[t("assumptions.column_input")], table[t("assumptions.column_source")], strict=True))
    shown = format_parameter("churn_rate", loaded.churn_rate, loaded.currency)
    expected = t("calibration.provenance_changed", source="calibrated", value=shown)
    assert sources[param_label("churn_rate")] == expected


def test_rename_and_duplicate(library):
    library.save("Base", TELECOM)
    app = open_tab()
    app.text_input(key=tab.NEW_NAME).set_value("Renamed").run()
    app.button(key=tab.RENAME_BUTTON).click().run()
    assert successes(app) == [t("scenarios.renamed", name="Base", new_name="Renamed")]
    assert library.names() == ["Renamed"]
    assert app.selectbox(key=tab.SELECTED).value == "Renamed"
    app.text_input(key=tab.COPY_NAME).set_value("Copy").run()
    app.button(key=tab.DUPLICATE_BUTTON).click().run()
    assert library.names() == ["Copy", "Renamed"]
    assert library.load("Copy").parameters.model_inputs() == TELECOM.model_inputs()
    app.text_input(key=tab.COPY_NAME).set_value("Renamed").run()
    app.button(key=tab.DUPLICATE_BUTTON).click().run()
    assert errors(app) == [t("scenarios.error.duplicate", value="Renamed")]


def test_delete_asks_for_confirmation(library):
    library.save("Keep", Parameters())
    library.save("Drop", Parameters())
    app = open_tab()
    app.selectbox(key=tab.SELECTED).select("Drop").run()
    app.button(key=tab.DELETE_BUTTON).click().run()
    assert [w.value for w in app.warning] == [t("scenarios.delete_confirm", name="Drop")]
    assert library.names() == ["Drop", "Keep"]
    app.button(key=tab.DELETE_NO_BUTTON).click().run()
    assert not app.warning and library.names() == ["Drop", "Keep"]
    app.button(key=tab.DELETE_BUTTON).click().run()
    app.button(key=tab.DELETE_YES_BUTTON).click().run()
    assert successes(app) == [t("scenarios.deleted", name="Drop")]
    assert library.names() == ["Keep"]


def test_names_typed_by_users_are_shown_as_text(library):
    name = "**Q3** <img src=x onerror=alert(1)> [link](http://x) $x$"
    app = open_tab()
    app.text_input(key=tab.SAVE_NAME).set_value(name).run()
    app.button(key=tab.SAVE_BUTTON).click().run()
    assert library.names() == [name]
    (message,) = successes(app)
    assert tab.plain(name) in message and "\\*\\*Q3\\*\\*" in message and "\\<img" in message
    assert library_table(app)[t("scenarios.column_name")].tolist() == [name]


def test_a_row_edited_by_hand_is_reported_not_raised(library):
    library.save("Broken", Parameters())
    library.save("Fine", Parameters())
    import sqlite3

    sqlite3.connect(library.path, isolation_level=None).execute(
        "UPDATE scenarios SET parameters = json_set(parameters, '$.churn_rate', 7) WHERE name = 'Broken'"
    )
    app = open_tab()
    app.selectbox(key=tab.SELECTED).select("Broken").run()
    assert_no_exception(app)
    (message,) = errors(app)
    assert "churn\\_rate" in message and "7" in message
    assert app.button(key=tab.LOAD_BUTTON).disabled
    table = library_table(app)
    assert table[t("scenarios.column_total")].tolist() == ["–", format_money(estimate().total, "EUR")]


def test_comparing_three_scenarios(library):
    chosen = {"Base": Parameters(), "Higher churn": Parameters(churn_rate=0.24), "Telecom": TELECOM}
    for name, params in chosen.items():
        library.save(name, params)
    app = open_tab()
    assert [info.value for info in app.info] == [t("scenarios.compare_hint", most=4)]
    app.multiselect(key=tab.COMPARED).select("Base").select("Higher churn").select("Telecom").run()
    assert_no_exception(app)
    table = comparison_table(app)
    expected = compare_scenarios([(name, library.load(name)) for name in chosen]).display_frame(
        tab._output_labels(), choice_labels=tab._method_labels()
    )
    assert list(table.columns) == list(chosen)
    assert table.to_numpy().tolist() == expected.to_numpy().tolist()
    assert [w.value for w in app.warning] == [t("scenarios.mixed_currencies")]  # EUR and PLN
    assert table.loc[param_label("method")].tolist() == [t("method.top_down"), t("method.top_down"), t("method.bottom_up")]
    charts = app.get("plotly_chart")
    assert len(charts) == 2  # the grouped bars and the waterfall
    app.selectbox(key=tab.WATERFALL_TO).select("Higher churn").run()
    app.selectbox(key=tab.WATERFALL_FROM).select("Higher churn").run()
    assert [info.value for info in app.info] == [t("scenarios.waterfall_same")]


def test_comparing_keeps_at_most_four(library):
    for i in range(5):
        library.save(f"S{i}", Parameters(churn_rate=0.1 + i / 100))
    app = open_tab()
    assert app.multiselect(key=tab.COMPARED).proto.max_selections == 4
    app.multiselect(key=tab.COMPARED).set_value(["S0", "S1", "S2", "S3"]).run()
    assert list(comparison_table(app).columns) == ["S0", "S1", "S2", "S3"]


def test_a_deleted_scenario_leaves_the_comparison(library):
    library.save("A", Parameters())
    library.save("B", Parameters(churn_rate=0.3))
    app = open_tab()
    app.multiselect(key=tab.COMPARED).set_value(["A", "B"]).run()
    app.selectbox(key=tab.SELECTED).select("B").run()
    app.button(key=tab.DELETE_BUTTON).click().run()
    app.button(key=tab.DELETE_YES_BUTTON).click().run()
    assert_no_exception(app)
    assert list(comparison_table(app).columns) == ["A"]


def test_download_file_names_are_safe():
    """A scenario's download is named by the one rule of the deliverables (reports.safety.safe_filename): no
    folder climbed, no reserved device name, a name in any alphabet kept (Greek names were all "scenario")."""
    from estimator.reports.safety import safe_filename

    assert safe_filename("../../etc/passwd", "json") == "etc_passwd.json"
    assert safe_filename("Zażółć gęślą", "toml") == "Zażółć_gęślą.toml"
    assert safe_filename("Τηλεπικοινωνίες", "json") == "Τηλεπικοινωνίες.json"
    assert safe_filename("???", "json") == "scenario.json"
    assert safe_filename("=cmd|' /C calc'!A0", "json") == "=cmd_'_C_calc'!A0.json"


def test_every_parameter_is_saved(library):
    app = open_tab()
    app.text_input(key=tab.SAVE_NAME).set_value("All").run()
    app.button(key=tab.SAVE_BUTTON).click().run()
    saved = library.load("All").parameters
    assert saved == Parameters(app.session_state[state.SCENARIO]).replace(name="All")
    assert set(saved.model_inputs()) == set(PARAMETER_SPECS)


def test_importing_a_downloaded_file_saves_it_and_a_bad_file_is_named(library, tmp_path):
    from estimator.store import export_scenario

    saved = library.save("Telecom", TELECOM, ranges={"churn_rate": (0.15, 0.3)}, notes="from the deck")
    text = export_scenario(saved, "toml").encode()
    app = open_tab()
    app.file_uploader(key=tab.UPLOAD).set_value(("telecom.toml", text, "application/toml")).run()
    app.text_input(key=tab.IMPORT_NAME).set_value("Telecom (client copy)").run()
    app.button(key=tab.IMPORT_BUTTON).click().run()
    assert_no_exception(app)
    assert successes(app) == [t("scenarios.imported", name=tab.plain("Telecom (client copy)"))]
    copy = library.load("Telecom (client copy)")
    assert copy.parameters.model_inputs() == TELECOM.model_inputs() and copy.parameters.currency == "PLN"
    assert copy.ranges == {"churn_rate": (0.15, 0.3)} and copy.notes == "from the deck"
    # Without a typed name the file's own is used; it is taken, so the import is refused.
    app.text_input(key=tab.IMPORT_NAME).set_value("").run()
    app.button(key=tab.IMPORT_BUTTON).click().run()
    assert errors(app) == [t("scenarios.error.duplicate", value="Telecom")]
    app.file_uploader(key=tab.UPLOAD).set_value(("broken.json", b'{"churn_rate": 3}', "application/json")).run()
    app.button(key=tab.IMPORT_BUTTON).click().run()
    (message,) = errors(app)
    assert "churn\\_rate\\: 3 is out of range" in message
    app.file_uploader(key=tab.UPLOAD).set_value(("broken.toml", b"churn_rate = = 1", "application/toml")).run()
    app.button(key=tab.IMPORT_BUTTON).click().run()
    (message,) = errors(app)
    assert "broken\\.toml" in message and "not valid TOML" in message
    assert library.names() == ["Telecom", "Telecom (client copy)"]


def test_download_buttons_offer_the_selected_scenario(library):
    library.save("Q3: plan", Parameters())
    app = open_tab()
    buttons = app.get("download_button")
    assert [button.proto.label for button in buttons] == [t("scenarios.download_json"), t("scenarios.download_toml")]

"""The notebook app (``estimator.notebook.explore``) at widget level: set widgets as a user would, read what they show.

The widgets are real ipywidgets 8 objects; setting a value runs the same observers a browser's
change runs in a kernel. Expected figures come from :func:`estimator.estimate` and the formatting
functions on parameters built independently of the app.
"""

from __future__ import annotations

import html
import itertools
import re
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from estimator import Parameters, estimate, load_preset
from estimator.calibration import calibrate
from estimator.controls import control_for
from estimator.core.parameters import ParameterError
from estimator.links import LINK_DIGITS, encode_value, read_scenario_url
from estimator.notebook import ANALYSES, CALIBRATED_RANGE, SAVED_RANGE, explore
from estimator.store import ScenarioStore
from estimator.text.formatting import format_count, format_money, format_share
from estimator.text.i18n import language_scope, t

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample_customers.csv"
TAGS = re.compile(r"<[^>]+>")


def text_of(widget) -> str:
    """What an HTML widget reads as on screen."""
    return html.unescape(TAGS.sub(" ", widget.value))


def figure_values(app) -> dict[str, str]:
    """The six headline figures by key, as shown."""
    found = re.findall(r"churn-figure-value churn-figure-(\w+)'[^>]*>([^<]*)<", app._figures.value)
    return {key: html.unescape(value) for key, value in found}


def assert_headline(app, params: Parameters, locale: str = "en") -> None:
    est = estimate(params)
    currency = params.currency
    shown = figure_values(app)
    assert shown == {
        "total": format_money(est.total, currency, locale=locale),
        "share": format_share(est.share_of_revenue, locale=locale),
        "customers": format_count(est.customers_lost_total, locale=locale),
        "profit": format_money(est.profit_lost, currency, locale=locale),
        "value_at_risk": format_money(est.value_at_risk, currency, locale=locale),
        "replacement": format_money(est.replacement_cost, currency, locale=locale),
    }
    assert format_money(est.total, currency, locale=locale) in text_of(app._headline)


@pytest.fixture
def library(tmp_path, monkeypatch) -> Path:
    """A scenario library in the test's folder; the user's own is never touched."""
    path = tmp_path / "library.sqlite3"
    monkeypatch.setenv("CHURN_ESTIMATOR_DB", str(path))
    return path


def test_importing_the_package_does_not_import_ipywidgets():
    code = (
        "import sys, estimator, estimator.reports, estimator.text.sentences, estimator.links; print('ipywidgets' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_opens_on_the_preset_with_its_estimate():
    app = explore("telecom_cable", display=False)
    preset = load_preset("telecom_cable")
    assert app.parameters == preset.parameters
    assert app.estimate.total == pytest.approx(estimate(preset.parameters).total)
    assert_headline(app, preset.parameters)


def test_setting_a_percent_slider_makes_the_headline_the_estimate_of_the_same_parameters():
    app = explore("generic_b2c", display=False)
    app._inputs["churn_rate"].slider.value = 25.0  # the slider shows percent
    expected = load_preset("generic_b2c").parameters.replace(churn_rate=0.25)
    assert app.parameters == expected
    assert_headline(app, expected)
    assert app._inputs["churn_rate"].entry.value == "25"
    # 0.25 × 0.40 × 100,000 customers = 10,000 customers lost through retention (top-down), by hand.
    assert app.estimate.top_down_customers == pytest.approx(10_000)


def test_log_slider_and_exact_box_for_counts():
    app = explore(display=False)
    item = app._inputs["customers"]
    item.slider.value = 250_000.0
    assert app.parameters.customers == 250_000
    assert item.entry.value == "250,000"
    item.entry.value = "123,456"
    assert app.parameters.customers == 123_456
    assert item.slider.value == 123_456  # the exact value becomes a stop of the slider
    # MODEL.md v3: the preset's 20,000 prospect contacts follow the customers (20,000 x 123,456 / 100,000).
    assert_headline(app, load_preset("generic_b2c").parameters.replace(customers=123_456, prospect_contacts=24_691.2))
    assert app.parameters.prospect_contacts == pytest.approx(24_691.2)
    assert "24,691 = 20,000 × 123,456 / 100,000" in text_of(app._headline)
    # Entered by hand, the volume no longer follows the customers.
    app._inputs["prospect_contacts"].entry.value = "1,000"
    item.entry.value = "5,000"
    assert app.parameters.prospect_contacts == 1000 and app.estimate.input_sources["prospect_contacts"] == "entered"


def test_typing_a_polish_decimal_comma_sets_the_share():
    app = explore(language="pl", display=False)
    app._inputs["churn_rate"].entry.value = "37,5"
    assert app.parameters.churn_rate == 0.375
    assert app._inputs["churn_rate"].slider.value == 37.5
    assert_headline(app, load_preset("generic_b2c").parameters.replace(churn_rate=0.375), locale="pl_PL")
    with language_scope("pl"):
        assert t("metric.total.label") in text_of(app._figures)


@pytest.mark.parametrize("typed", ["abc", "120", ""])
def test_bad_text_is_reported_and_the_previous_value_kept(typed):
    app = explore(display=False)
    item = app._inputs["churn_rate"]
    item.entry.value = "20"
    before = app.parameters
    total = figure_values(app)["total"]
    item.entry.value = typed
    assert app.parameters == before and figure_values(app)["total"] == total
    assert item.entry.value == typed  # what was typed stays in the box
    message = text_of(item.problem)
    assert item.problem.layout.display != "none"
    assert "Churn rate" in message and "20%" in message  # the field and the value still used
    item.entry.value = "21"
    assert app.parameters.churn_rate == 0.21 and item.problem.layout.display == "none"


def test_code_changes_are_validated_and_the_widgets_follow():
    app = explore(display=False)
    with pytest.raises(ParameterError, match="churn_rate"):
        app.set(churn_rate=2.0)
    assert app.parameters == load_preset("generic_b2c").parameters
    app.set(churn_rate=0.3, method="bottom_up")
    assert app._inputs["churn_rate"].slider.value == 30.0 and app._method.value == "bottom_up"
    assert_headline(app, load_preset("generic_b2c").parameters.replace(churn_rate=0.3, method="bottom_up"))


def test_method_switch_uses_the_bottom_up_estimate():
    app = explore(display=False)
    app._method.value = "bottom_up"
    assert app.parameters.method == "bottom_up"
    assert app.estimate.total == pytest.approx(estimate(method="bottom_up").total)


def test_group_reset_and_reset_all_return_to_the_preset():
    app = explore("telecom_cable", display=False)
    preset = load_preset("telecom_cable").parameters
    app._inputs["churn_rate"].slider.value = 30.0
    app._inputs["complaint_rate"].slider.value = 20.0
    assert "1" in text_of(app._group_notes["resignations"])
    app._group_resets["resignations"].click()
    assert app.parameters.churn_rate == preset.churn_rate and app.parameters.complaint_rate == 0.20
    assert app._inputs["churn_rate"].slider.value == pytest.approx(preset.churn_rate * 100)
    app._reset_all.click()
    assert app.parameters == preset and app._reset_all.disabled


def test_preset_picker_loads_all_its_values():
    app = explore(display=False)
    app._preset_picker.value = "telecom_cable"
    preset = load_preset("telecom_cable").parameters
    assert app.parameters == preset
    assert app._inputs["annual_value"].slider.value == preset.annual_value
    assert_headline(app, preset)


def test_language_picker_rewords_and_reads_numbers_the_new_way():
    app = explore(display=False)
    app._language_picker.value = "hu"
    with language_scope("hu"):
        assert t("cross_check.title") in app._tabs.children[0].children[2].value
        assert app._tabs.titles[1] == t("notebook.tab.tornado")
    assert_headline(app, load_preset("generic_b2c").parameters, locale="hu_HU")
    app._inputs["service_share"].entry.value = "42,5"
    assert app.parameters.service_share == 0.425


def test_help_names_the_source_and_the_evidence_grade():
    app = explore("telecom_cable", display=False)
    preset = load_preset("telecom_cable")
    ref = preset.sources["service_share"]
    tooltip = html.unescape(app._inputs["service_share"].label.value)
    assert ref.citation in tooltip and ref.grade.split(" (")[0] in tooltip


def test_warnings_are_in_plain_words():
    app = explore(display=False)
    assert app._warnings.value == ""
    app.set(complaint_rate=0.5, silent_ratio=5.0)  # r·k beyond 1 − r: the silent pool is capped (MODEL.md)
    assert app.estimate.warnings
    shown = text_of(app._warnings)
    assert "silent_ratio" not in shown and t("warnings.title") in shown


def test_analyses_wait_for_their_tab_and_show_p5_p50_p95():
    app = explore(display=False)
    assert all(not app._analysis_outputs[name].outputs for name in ANALYSES)
    app._tabs.selected_index = 1 + ANALYSES.index("monte_carlo")  # first look computes
    note = app._analysis_notes["monte_carlo"].value
    for p in ("p5", "p50", "p95"):
        assert re.search(rf"churn-{p}'>[^<]+<", note)
    app._inputs["churn_rate"].slider.value = 30.0
    assert html.unescape(TAGS.sub("", app._analysis_notes["monte_carlo"].value)) == t("notebook.stale")
    app._analysis_buttons["levers"].click()
    assert len(app._analysis_outputs["levers"].outputs) == 2  # top-down: both methods' values of each lever
    assert "application/vnd.plotly.v1+json" in app._analysis_outputs["levers"].outputs[0]["data"]


def test_charts_are_plain_plotly_figures_redrawn_in_output_widgets():
    app = explore(display=False)
    before = app._waterfall.outputs[0]["data"]["application/vnd.plotly.v1+json"]
    app._inputs["annual_value"].slider.value = 800.0
    after = app._waterfall.outputs[0]["data"]["application/vnd.plotly.v1+json"]
    assert before != after and len(app._waterfall.outputs) == 1
    assert app.timings[-1][0] <= app.timings[-1][1]


def test_link_round_trips_through_the_apps_link_reader():
    result = calibrate(SAMPLE)
    app = explore(result, preset="telecom_cable", language="pl", display=False)
    app._inputs["incident_hours"].entry.value = "7,5"
    app._method.value = "bottom_up"
    url = app.link("http://localhost:8501")
    link, language = read_scenario_url(url)
    assert_same_scenario(link.parameters, app.parameters)
    assert link.preset == "telecom_cable" and not link.problems
    assert language == "pl"
    # No float noise in the link: calibrated values carry at most LINK_DIGITS significant digits.
    numbers = re.findall(r"=(-?\d+(?:\.\d+)?(?:e-?\d+)?)(?=&|$)", url)
    assert numbers and all(len(re.sub(r"[^0-9]", "", n.split("e")[0]).strip("0")) <= LINK_DIGITS for n in numbers), url
    # The app itself, opened on that link's query, holds the same scenario.
    session = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    session.query_params.update(dict(part.split("=", 1) for part in url.split("?", 1)[1].split("&")))
    session.run()
    assert not session.exception
    assert_same_scenario(Parameters(session.session_state["scenario"]), app.parameters)


def assert_same_scenario(read: Parameters, written: Parameters) -> None:
    """The same scenario up to a link's rounding (LINK_DIGITS significant digits), every text value exactly."""
    for key, value in written.to_dict().items():
        if isinstance(value, float):
            assert read[key] == pytest.approx(value, rel=5 * 10.0**-LINK_DIGITS, abs=1e-300), key
        else:
            assert read[key] == value, key


@pytest.mark.parametrize(
    "value", [1250.4664200000009, 0.07999999999999999, 2 / 3, 1e-9 / 3, 123456789.123456789, 0.1825, 1e12 + 0.5]
)
def test_a_link_value_reads_back_within_its_digits_and_without_noise(value):
    text = encode_value(value)
    assert float(text) == pytest.approx(value, rel=5 * 10.0**-LINK_DIGITS)
    assert len(re.sub(r"[^0-9]", "", text.split("e")[0]).strip("0")) <= LINK_DIGITS, text
    assert encode_value(float(text)) == text  # stable: a link read and written again is the same link


def test_three_presses_of_a_log_slider_move_it_by_a_fifth_at_most():
    """Arrow keys step through a log slider's stops: from €1,250 three presses stay near €1,250, not €2,500."""
    control = control_for("annual_value")
    stops = control.options_for(1250.0)
    start = stops.index(1250.0)
    assert stops[start + 3] <= 1250.0 * 1.3 and stops[start - 3] >= 1250.0 / 1.3
    grid = [stop for stop in control.options if stop >= 1]
    assert max(b / a for a, b in itertools.pairwise(grid)) <= 1.2 + 1e-9


def test_calibration_applies_values_ranges_and_provenance(library):
    result = calibrate(SAMPLE)
    app = explore(result, data_source="sample_customers.csv", display=False)
    values = result.parameter_values()
    assert {key: app.parameters[key] for key in values} == pytest.approx(values)
    assert app.custom_ranges == result.uncertainty_ranges()
    assert set(app.provenance) == set(values)
    assert all("sample_customers.csv" in text for text in app.provenance.values())
    key = next(iter(result.uncertainty_ranges()))
    assert (app.ranges[key].low, app.ranges[key].high) == pytest.approx(result.uncertainty_ranges()[key])
    # The range table says where a calibrated range came from, not "set by the user" (issue 23).
    reasons = app.ranges.to_frame()["reason"]
    assert set(reasons[list(result.uncertainty_ranges())]) == {CALIBRATED_RANGE}
    assert "set by the user" not in set(reasons)
    # Saved and opened again: the ranges are the scenario's.
    app.save("Calibrated")
    again = explore("Calibrated", display=False).ranges.to_frame()["reason"]
    assert set(again[list(result.uncertainty_ranges())]) == {SAVED_RANGE}


def test_save_and_reopen_from_the_library(library):
    app = explore(calibrate(SAMPLE), display=False)
    app._inputs["churn_rate"].slider.value = 20.0
    saved = app.save("Client A")
    assert library.exists() and ScenarioStore(library).names() == ["Client A"]
    assert saved.parameters == app.parameters.replace(name="Client A")
    assert "churn_rate" not in saved.provenance  # moved by hand: the user's value, not the data's
    again = explore("Client A", display=False)
    assert again.parameters == saved.parameters and again.custom_ranges == app.custom_ranges


def test_an_unknown_name_is_a_clear_error(library):
    with pytest.raises(Exception, match="neither a preset nor a saved scenario"):
        explore("no such thing", display=False)


def test_report_writes_the_deck_of_the_current_scenario(tmp_path):
    from pptx import Presentation

    app = explore("telecom_cable", display=False)
    app.set(churn_rate=0.3)
    path = app.report(tmp_path / "deck.pptx", draws=2_000)
    shapes = [shape for slide in Presentation(path).slides for shape in slide.shapes]
    texts = " ".join(shape.text_frame.text for shape in shapes if shape.has_text_frame)
    assert format_money(app.estimate.total, app.parameters.currency) in texts

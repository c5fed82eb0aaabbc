"""MODEL.md v3, scale and plausibility: presets state N0, prospect contacts follow the customers unless
entered, every input says where it came from, and the plausibility warnings come first everywhere.
Figures are worked out by hand from MODEL.md's formulas."""

from __future__ import annotations

import io
import json
import tomllib
from pathlib import Path

import pytest
from numpy.testing import assert_allclose
from pptx import Presentation
from test_app_calibration import button, open_tab

from estimator import estimate, list_presets, load_preset
from estimator.calibration import calibrate
from estimator.calibration.sentence import cfo_sentence
from estimator.cli import main
from estimator.core.provenance import PROVENANCE_LABELS, infer_provenance, scale_with_customers
from estimator.paths import data_dir
from estimator.reports import build_content, pptx_bytes
from estimator.reports.pptx_report import SLIDE_COUNT
from estimator.text.i18n import t
from ui.calibration import SAMPLE_FILE
from ui.calibration_v3 import WINDOW

ROOT = Path(__file__).resolve().parents[1]


def run(capsys, *argv: str) -> dict:
    assert main([*argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("preset", [p.name for p in list_presets()])
def test_every_preset_states_the_customer_base_its_volumes_are_sized_for(preset):
    raw = tomllib.loads((data_dir() / "presets" / f"{preset}.toml").read_text(encoding="utf-8"))
    loaded = load_preset(preset)
    assert raw["customer_base"] == loaded.customer_base == loaded.parameters.customers
    # The preset's own figures are unchanged: no scaling at its own size.
    values, done = scale_with_customers(loaded.parameters.to_dict(), {}, loaded)
    assert done == [] and values["prospect_contacts"] == loaded.parameters.prospect_contacts


def test_prospect_contacts_scale_with_customers_by_hand(capsys):
    # B2B: 1,500 quote requests for 2,000 customers; 4,000 customers -> 1,500 x 4,000 / 2,000 = 3,000.
    data = run(capsys, "estimate", "--preset", "b2b_contracts", "--set", "customers=4000")
    assert data["inputs"]["prospect_contacts"] == 3000
    assert data["scaled_inputs"]["prospect_contacts"]["note"] == "scaled with customers: 3,000 = 1,500 × 4,000 / 2,000"
    assert data["input_sources"]["prospect_contacts"] == "preset" and data["input_sources"]["customers"] == "entered"
    # Missed contacts M·a·v·V = 3,000 x 0.05 x ... as the preset states a and v.
    preset = load_preset("b2b_contracts").parameters
    assert_allclose(
        data["revenue_lost"]["missed_contacts"], 3000 * preset.abandon_rate * preset.conversion_rate * preset.annual_value
    )
    # Entered, never scaled; without a preset, MODEL.md's defaults are the base (20,000 for 100,000).
    entered = run(capsys, "estimate", "--preset", "b2b_contracts", "--set", "customers=4000", "--set", "prospect_contacts=1500")
    assert entered["inputs"]["prospect_contacts"] == 1500 and entered["scaled_inputs"] == {}
    assert run(capsys, "estimate", "--set", "customers=2400")["inputs"]["prospect_contacts"] == 480


def test_every_input_has_a_source_and_they_survive_a_json_round_trip(capsys, tmp_path):
    data = run(capsys, "estimate", "--preset", "telecom_cable", "--set", "churn_rate=0.2")
    sources = data["input_sources"]
    stated = set(tomllib.loads((data_dir() / "presets" / "telecom_cable.toml").read_text())["parameters"])
    assert set(sources) == set(data["inputs"]) - {"currency", "name"} and set(sources.values()) <= set(PROVENANCE_LABELS)
    assert sources["churn_rate"] == "entered"
    assert {k for k, v in sources.items() if v == "preset"} == stated - {"churn_rate"}
    assert sources["resolved_share"] == "default"
    saved = tmp_path / "out.json"
    saved.write_text(json.dumps(data))
    assert run(capsys, "estimate", "--params", str(saved))["input_sources"] == sources


def test_the_python_api_guesses_sources_from_the_values():
    telecom = load_preset("telecom_cable").parameters
    guessed = infer_provenance(telecom.replace(churn_rate=0.3))
    assert guessed["churn_rate"] == "entered" and guessed["customers"] == "preset" and guessed["gross_margin"] == "preset"
    assert guessed["resolved_share"] == "default"
    assert estimate(customers=800).input_sources["customers"] == "entered"


def test_plausibility_warnings_come_first_and_only_for_a_tailored_scenario(capsys):
    # Untouched presets are benchmarks as a whole: no dominance warning (the golden files keep their warnings).
    for preset in list_presets():
        codes = [w.code for w in estimate(preset.parameters).warnings]
        assert "one_channel_dominates_from_default" not in codes and "loss_share_high" not in codes, preset.name
    # 800 customers entered with the default 20,000 prospect contacts (estimate() scales nothing): missed
    # contacts 240,000 of 286,980 = 83.6 % of the loss, 59.8 % of the 480,000 revenue.
    result = estimate(customers=800)
    assert [w.code for w in result.warnings][:2] == ["loss_share_high", "one_channel_dominates_from_default"]
    assert_allclose(result.share_of_revenue, 286_980 / 480_000, rtol=1e-3)
    assert result.warnings[1].values["channel"] == "missed_contacts"
    assert result.warnings[1].values["inputs"] == "prospect_contacts, abandon_rate, conversion_rate"
    # Entering the channel's inputs makes them the client's: the warning goes.
    assert "one_channel_dominates_from_default" not in [w.code for w in estimate(customers=800, abandon_rate=0.1001).warnings]
    # The CLI prints them first, before the figures, and lists them first in the JSON.
    data = run(capsys, "estimate", "--set", "customers=800", "--set", "prospect_contacts=20000")
    assert data["warning_codes"][0] == "loss_share_high"


def test_a_calibrated_deck_has_the_method_slide_with_the_cfo_sentence_and_every_source():
    result = calibrate(SAMPLE_FILE, churn_window=6)
    preset = load_preset("generic_b2c")
    params = preset.parameters.replace(**result.parameter_values())
    sentence = cfo_sentence(result.to_dict(), "pl")
    sources = {key: "file" for key in result.parameter_values()}
    content = build_content(
        params,
        sources=preset.sources,
        base=preset.parameters,
        draws=200,
        language="pl",
        method_sentence=sentence,
        input_sources={**infer_provenance(params), **sources},
    )
    deck = Presentation(io.BytesIO(pptx_bytes(content)))
    assert len(deck.slides) == SLIDE_COUNT + 1
    texts = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
    assert sentence in texts and sentence.startswith("Rezygnacje zmierzono w okresie 6 miesięcy")
    assert any(text.startswith("Z pliku klienta: liczba klientów") for text in texts)
    assert content.assumptions.loc["churn_rate", "input_source"] == "file"
    # The page and the workbook carry the sentence too, and every input's source beside its grade.
    from html import escape

    import openpyxl

    from estimator.reports import html_bytes, xlsx_bytes

    page = html_bytes(content).decode("utf-8")
    assert escape(sentence) in page and "· domyślne" in page  # the Polish "default" beside a grade
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(content)))
    cells = {cell.value for sheet in book for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    assert sentence in cells
    assert content.assumptions.loc["gross_margin", "input_source"] == "default"


def test_the_app_annualises_with_the_window_chosen_and_shows_the_cfo_sentence():
    app = open_tab()
    button(app, "calibration_sample").click().run()
    app.selectbox(key=WINDOW).set_value(3).run()
    assert not app.exception, [e.value for e in app.exception]
    result = calibrate(SAMPLE_FILE, churn_window=3)
    table = app.dataframe[0].value
    shown = dict(zip(table[t("calibration.column_parameter")], table[t("calibration.column_estimate")], strict=True))
    assert shown[t("param.churn_rate.label")] == f"{result.estimates['churn_rate'].value:.2%}"
    from ui.safe_text import seen

    assert any(seen(info.value) == cfo_sentence(result.to_dict(), "en") for info in app.info)
    assert any(t("calibration.v3_adjusted_title") in m.value for m in app.markdown)


def test_after_apply_the_uncertainty_tab_says_which_ranges_are_the_clients():
    from ui.main import TABS_KEY

    app = open_tab()
    button(app, "calibration_sample").click().run()
    button(app, "calibration_apply").click().run()
    result = calibrate(SAMPLE_FILE)
    app.session_state[TABS_KEY] = t("tabs.sensitivity")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    captions = [c.value for c in app.caption]
    note = next(text for text in captions if text.startswith(t("input_source.ranges_note", inputs="")[:20]))
    from estimator.text.i18n import param_label

    for key in result.uncertainty_ranges():
        assert param_label(key).lower() in note


def test_the_notebook_deck_of_a_calibrated_scenario_has_the_method_slide(tmp_path):
    from estimator.notebook import explore

    result = calibrate(SAMPLE_FILE, churn_window=3)
    app = explore(result, preset="telecom_cable", display=False, language="nl")
    assert app.estimate.input_sources["churn_rate"] == "file" and app.parameters.currency == "XXX"
    # telecom's 100,000 prospect contacts for 500,000 customers, scaled to the file's 20,000: 4,000.
    assert app.parameters.prospect_contacts == 4000
    deck = Presentation(str(app.report(tmp_path / "deck.pptx", draws=200)))
    texts = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
    assert cfo_sentence(result.to_dict(), "nl") in texts


def test_the_app_assumptions_table_says_whose_each_input_is():
    from estimator.text.i18n import param_label
    from ui.main import TABS_KEY

    app = open_tab()
    button(app, "calibration_sample").click().run()
    button(app, "calibration_apply").click().run()
    app.session_state[TABS_KEY] = t("tabs.assumptions")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    table = app.table[0].value
    whose = dict(zip(table[t("assumptions.column_input")], table[t("input_source.column")], strict=True))
    assert whose[param_label("churn_rate")] == t("input_source.file")
    assert whose[param_label("wom_reach")] == t("input_source.default")
    # Scaled with the file's customers, the prospect contacts are still the benchmark's, not "your input".
    assert whose[param_label("prospect_contacts")] == t("input_source.default")
    source = dict(zip(table[t("assumptions.column_input")], table[t("assumptions.column_source")], strict=True))
    assert source[param_label("prospect_contacts")] != t("source.your_input")

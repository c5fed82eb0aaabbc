"""The deliverables without LibreOffice: structure, native charts, notes, escaping, formula injection, file names, CLI."""

from __future__ import annotations

import io
import re

import numpy as np
import openpyxl
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from estimator import Parameters, estimate, load_preset
from estimator.analysis.sensitivity import UncertaintyRanges, evaluate_intervention, monte_carlo, tornado
from estimator.cli import main
from estimator.core.parameters import PARAMETER_SPECS
from estimator.core.scenario import Scenario
from estimator.reports import (
    InitiativePlan,
    build_content,
    escape_html,
    html_bytes,
    neutralise_formula,
    pptx_bytes,
    safe_filename,
    xlsx_bytes,
)
from estimator.reports.pptx_report import chart_money_format
from estimator.text.formatting import format_money
from estimator.text.i18n import has_key, language_scope, t

EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def content():
    preset = load_preset("telecom_cable")
    params = preset.parameters.replace(name='=HYPERLINK("http://evil","x")', churn_rate=0.2)
    return build_content(params, sources=preset.sources, base=preset.parameters, notes="+cmd|' /C calc'!A0", draws=5_000, seed=7)


# --- Safety ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("x")'])
def test_formula_triggers_get_an_apostrophe(text):
    assert neutralise_formula(text) == "'" + text


@pytest.mark.parametrize("text", ["Plan B", "", "1+1", "a=b", " =1", "'quoted"])
def test_plain_text_is_left_alone(text):
    assert neutralise_formula(text) == text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "etc_passwd.xlsx"),
        ("..\\..\\windows\\system32", "windows_system32.xlsx"),
        ("/absolute/path", "absolute_path.xlsx"),
        ("a\x00b\nc\x1fd", "a_b_c_d.xlsx"),
        ("CON", "CON_.xlsx"),
        ("nul.txt", "nul.txt_.xlsx"),
        ("com1", "com1_.xlsx"),
        ("..", "scenario.xlsx"),
        ("", "scenario.xlsx"),
        ("Plan: Q3?", "Plan_Q3.xlsx"),
        ("Kraków – wariant 2", "Kraków_–_wariant_2.xlsx"),
    ],
)
def test_file_names_stay_in_their_folder(name, expected):
    result = safe_filename(name, "xlsx")
    assert result == expected
    assert "/" not in result and "\\" not in result and ".." not in result
    assert not re.search(r"[\x00-\x1f]", result)
    assert not re.search(r"\s", result)  # no spaces: names are used unquoted in mails and shells


def test_long_names_are_cut():
    assert len(safe_filename("x" * 500, "pptx")) == 100 + len(".pptx")


def test_html_escaping():
    assert escape_html(EVIL) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escape_html("\"a\" & 'b'") == "&quot;a&quot; &amp; &#x27;b&#x27;"


# --- Content ------------------------------------------------------------------------------------


def test_content_holds_the_analyses_of_the_scenario(content):
    params = content.parameters
    assert content.estimate.total == estimate(params).total
    ranges = UncertaintyRanges.around(params)
    assert content.tornado.to_frame().equals(tornado(params, ranges).to_frame())
    assert content.monte_carlo.percentiles == monte_carlo(params, ranges, draws=5_000, seed=7).percentiles
    # The default initiative resolves ten points more complaints; under top-down the customers lost follow
    # the bottom-up count (MODEL.md v2), so its gain is that of evaluate_intervention.
    gain = evaluate_intervention(params, {"resolved_share": params.resolved_share + 0.1}).recovered()
    np.testing.assert_allclose(content.initiative.revenue_recovered, gain, rtol=1e-12)
    bottom_up = params.replace(method="bottom_up")
    plain = estimate(bottom_up).total - estimate(bottom_up.replace(resolved_share=params.resolved_share + 0.1)).total
    np.testing.assert_allclose(content.initiative.revenue_recovered_bottom_up, plain, rtol=1e-12)
    # churn_rate was changed from the preset: it is the user's input, not the preset's source.
    assert content.assumptions.loc["churn_rate", "user_input"]
    assert content.assumptions.loc["churn_rate", "source"] == ""
    assert not content.assumptions.loc["customers", "user_input"]


def test_a_custom_initiative_is_priced():
    plan = InitiativePlan({"abandon_rate": 0.0}, one_off_cost=1_000.0, yearly_cost=0.0)
    result = build_content(Parameters(), initiative=plan, draws=100).initiative
    lost = estimate(Parameters()).missed_contacts
    np.testing.assert_allclose(result.revenue_recovered, lost, rtol=1e-12)
    np.testing.assert_allclose(result.payback_months, 12 * 1_000 / (lost * 0.35), rtol=1e-12)


# --- PowerPoint ---------------------------------------------------------------------------------


def test_the_deck_has_native_charts_notes_and_the_figures(content):
    deck = Presentation(io.BytesIO(pptx_bytes(content)))
    slides = list(deck.slides)
    assert len(slides) == 7 + 2
    charts = [shape.chart for slide in slides for shape in slide.shapes if shape.has_chart]
    assert len(charts) >= 6  # channels, two cross-check charts, tornado, distribution, levers
    assert not [s for slide in slides for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    for slide in slides:
        assert slide.has_notes_slide and len(slide.notes_slide.notes_text_frame.text) > 80
    text = " ".join(shape.text_frame.text for slide in slides for shape in slide.shapes if shape.has_text_frame)
    with language_scope("en"):
        assert format_money(content.estimate.total, "EUR") in text
        assert format_money(content.monte_carlo.percentiles["p95"], "EUR") in text
    # The channel chart's data are the estimate's channels (loss series), ending in the total.
    waterfall = charts[0]
    losses = list(waterfall.plots[0].series[1].values)
    np.testing.assert_allclose(losses[:5], list(content.estimate.channels.values()), rtol=1e-12)
    np.testing.assert_allclose(losses[5], content.estimate.total, rtol=1e-12)
    # The tornado's bars are sorted by swing, largest on top (the last category of a bar chart).
    tornado_chart = next(c for c in charts if c.plots[0].categories and len(c.plots[0].series) == 2)
    swings = np.abs(np.array(tornado_chart.plots[0].series[1].values) - np.array(tornado_chart.plots[0].series[0].values))
    assert list(swings) == sorted(swings)
    # Histogram columns hold every draw.
    histogram = next(c for c in charts if len(c.plots[0].categories) == len(content.monte_carlo.histogram_counts))
    np.testing.assert_allclose(sum(histogram.plots[0].series[0].values), 1.0)
    # Assumptions: every parameter's label appears with its source.
    table_text = " ".join(
        cell.text
        for slide in slides
        for shape in slide.shapes
        if shape.has_table
        for row in shape.table.rows
        for cell in row.cells
    )
    assert "Accenture" in table_text or "Consumer Reports" in table_text
    assert t("source.your_input") in table_text


def test_chart_money_format_scales_and_places_the_symbol():
    with language_scope("en"):
        assert chart_money_format(6.1e6, "EUR", "en") == '[$-409]"€"#,##0.0,,"M";[$-409]-"€"#,##0.0,,"M"'
        assert chart_money_format(900, "USD", "en") == '[$-409]"$"#,##0;[$-409]-"$"#,##0'
        assert chart_money_format(2e9, "PLN", "pl").startswith('[$-415]#,##0.0,,," bn"" zł"')
    with language_scope("pl"):
        # Polish writes a space before its unit word, and LibreOffice the decimal comma ([$-415]).
        assert chart_money_format(2.5e7, "EUR", "pl_PL") == '[$-415]#,##0,," mln"" €";[$-415]-#,##0,," mln"" €"'


@pytest.mark.parametrize(
    ("value", "expected"),
    [(486_000, '"€"#,##0,"K"'), (462_000, '"€"#,##0,"K"'), (1_834_000, '"€"#,##0.00,,"M"'), (20.2e6, '"€"#,##0.0,,"M"')],
)
def test_a_data_label_keeps_three_significant_digits(value, expected):
    # One decimal of a million made both €486K and €462K "€0.5M" on the deck's waterfall.
    with language_scope("en"):
        assert chart_money_format(value, "EUR", "en", significant=3).split(";")[0] == "[$-409]" + expected


# --- Excel --------------------------------------------------------------------------------------


def test_the_workbook_names_inputs_and_neutralises_typed_text(content):
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(content)))
    assert workbook.sheetnames == ["Inputs", "Model", "Sensitivity", "Monte Carlo", "Sources"]
    inputs = workbook["Inputs"]
    for key in PARAMETER_SPECS:
        sheet_name, cell = next(iter(workbook.defined_names[key].destinations))
        assert sheet_name == "Inputs"
        assert inputs[cell.replace("$", "")].value == content.parameters[key]
    # The scenario name and notes start with a formula trigger: stored as text with an apostrophe.
    texts = [c for row in inputs.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert texts and all(c.data_type == "s" and c.value.startswith("'=") for c in texts)
    notes = [c for row in inputs.iter_rows() for c in row if isinstance(c.value, str) and "calc" in c.value]
    assert notes and all(c.value.startswith("'+") for c in notes)
    # No cell other than the Model sheet's outputs holds a formula.
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert sheet.title == "Model" and cell.column == 3
    model = workbook["Model"]
    formulas = {row[0].value: row[2].value for row in model.iter_rows(min_row=5) if row[0].value}
    assert formulas["total"] == "=retention+spend_reduction+missed_contacts+word_of_mouth+incidents"
    assert 'IF(method="bottom_up"' in formulas["customers_lost_retention"]


def test_the_workbook_caches_the_estimators_values(content):
    """Viewers that do not calculate (previews, mail clients) still show the right figures."""
    model = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(content)), data_only=True)["Model"]
    cached = {row[0].value: row[2].value for row in model.iter_rows(min_row=5) if row[0].value}
    np.testing.assert_allclose(cached["total"], content.estimate.total, rtol=1e-12)
    np.testing.assert_allclose(cached["value_at_risk"], content.estimate.value_at_risk, rtol=1e-12)


# --- HTML ---------------------------------------------------------------------------------------


def test_the_page_is_self_contained_and_escapes_user_text():
    params = Parameters(name=EVIL)
    page = html_bytes(build_content(params, notes=f"notes {EVIL}", draws=1_000)).decode("utf-8")
    assert EVIL not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.IGNORECASE)
    assert not re.search(r"<link[^>]*\bhref\s*=\s*[\"']?(https?:)?//", page, re.IGNORECASE)
    assert "@import" not in page
    assert page.count("Plotly.newPlot") == 5  # channels, cross-check, tornado, distribution, levers
    assert "@media print" in page
    with language_scope("en"):
        assert format_money(estimate(params).total, "EUR") in page


# --- Language -----------------------------------------------------------------------------------


def test_every_report_string_has_an_english_text():
    from pathlib import Path

    used = set()
    for path in Path("estimator/reports").glob("*.py"):
        used |= set(re.findall(r't\("(report\.[a-z0-9_.]+)"', path.read_text()))
    assert used and all(has_key(key) for key in used), sorted(k for k in used if not has_key(k))


# --- Command line -------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["pptx", "xlsx", "html"])
def test_cli_writes_each_deliverable(tmp_path, suffix, capsys):
    out = tmp_path / f"deck.{suffix}"
    code = main(["report", "--preset", "telecom_cable", "--set", "method=bottom_up", "--draws", "500", "--out", str(out)])
    assert code == 0 and out.stat().st_size > 1000
    assert str(out) in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--out", "x.pdf"], "--out: 'x.pdf'"),
        (["--out", "x.xlsx", "--set", "churn_rate=1.5"], "churn_rate: 1.5"),
        (["--out", "x.xlsx", "--draws", "0"], "draws: 0"),
        (["--out", "x.xlsx", "--seed", "-3"], "seed: -3"),
        (["--out", "x.xlsx", "--lang", "xx"], "--lang: 'xx'"),
        (["--out", "/no/such/folder/x.xlsx"], "cannot be written"),
        (["--out", "x.xlsx", "--preset", "nope"], "preset: 'nope'"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["report", *argv]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and message in error
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_evidence_grades_are_in_the_documents_language():
    preset = load_preset("poland_consumer_services")
    graded = {ref.grade for ref in preset.sources.values() if not ref.is_assumption}
    assert "secondary report" in {grade.removesuffix(" (proxy)") for grade in graded}
    content = build_content(preset.parameters, sources=preset.sources, language="pl", draws=1_000, seed=1)
    deck = Presentation(io.BytesIO(pptx_bytes(content)))
    text = " ".join(
        cell.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_table
        for row in shape.table.rows
        for cell in row.cells
    )
    assert "opracowanie wtórne" in text
    assert "secondary report" not in text and "published survey" not in text
    page = html_bytes(content).decode("utf-8")
    assert "opracowanie wtórne" in page and "secondary report" not in page


def test_values_calibrated_from_client_data_are_cited_as_such_in_every_document():
    preset = load_preset("generic_b2c")
    params = preset.parameters.replace(churn_rate=0.153)
    cited = "client data: =extract.csv; 20,000 rows; 95 % interval 14.8% – 15.8%"
    calibrated = Scenario("", params, provenance={"churn_rate": cited})
    content = build_content(calibrated, sources=preset.sources, base=preset.parameters, draws=1_000, seed=1)
    row = content.assumptions.loc["churn_rate"]
    assert row["source"] == cited and not row["user_input"]
    deck = Presentation(io.BytesIO(pptx_bytes(content)))
    cells = [
        cell.text for s in deck.slides for shape in s.shapes if shape.has_table for r in shape.table.rows for cell in r.cells
    ]
    assert cited in cells and t("grade.client_data") in cells
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(content)))
    texts = {cell.value for sheet in book for line in sheet.iter_rows() for cell in line if isinstance(cell.value, str)}
    assert cited in texts
    assert escape_html(cited) in html_bytes(content).decode("utf-8")
    # A description is partly user text (a file name): one that reads as a formula stays text.
    evil = '=HYPERLINK("http://evil","extract.csv")'
    hostile = build_content(Scenario("", params, provenance={"churn_rate": evil}), sources=preset.sources, draws=1_000, seed=1)
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(hostile)))
    texts = {cell.value for sheet in book for line in sheet.iter_rows() for cell in line if isinstance(cell.value, str)}
    assert "'" + evil in texts and evil not in texts
    # Without the record the changed value is the user's own input, as before.
    plain = build_content(params, sources=preset.sources, base=preset.parameters, draws=1_000, seed=1)
    assert plain.assumptions.loc["churn_rate", "user_input"]


def test_a_volume_scaled_with_customers_is_cited_as_scaled_not_as_the_users_input(tmp_path):
    """MODEL.md v3: prospect_contacts scaled with customers is the preset's figure, scaled, and says so
    in the deliverables; the deck once called it "Your value" (the user never entered it)."""
    out = tmp_path / "deck.pptx"
    assert main(["report", "--set", "customers=2400", "--draws", "1000", "--out", str(out)]) == 0
    deck = Presentation(str(out))
    rows = [
        [cell.text for cell in row.cells]
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_table
        for row in shape.table.rows
    ]
    label = next(row for row in rows if row[0] == t("param.prospect_contacts.label"))
    assert label[1] == "480"
    assert t("source.your_input") not in label
    # the scaling is written out beside the figure: 480 = 20,000 × 2,400 / 100,000
    assert any("480 = 20,000 × 2,400 / 100,000" in cell for cell in label)
    # in the document's language, with its number marks
    polish = tmp_path / "deck_pl.pptx"
    assert main(["report", "--set", "customers=2400", "--lang", "pl", "--draws", "1000", "--out", str(polish)]) == 0
    cells = [
        cell.text
        for s in Presentation(str(polish)).slides
        for sh in s.shapes
        if sh.has_table
        for r in sh.table.rows
        for cell in r.cells
    ]
    with language_scope("pl"):
        assert any(
            t("input_source.scaled", value="480", base_value="20 000", customers="2 400", base_customers="100 000").replace(
                " ", "\u00a0"
            )
            in c.replace(" ", "\u00a0")
            for c in cells
        )
    assert not any("scaled with customers" in c for c in cells)
    # a value the user entered is still theirs
    entered = tmp_path / "entered.pptx"
    assert (
        main(["report", "--set", "customers=2400", "--set", "prospect_contacts=700", "--draws", "1000", "--out", str(entered)])
        == 0
    )
    rows = [
        [cell.text for cell in row.cells]
        for slide in Presentation(str(entered)).slides
        for shape in slide.shapes
        if shape.has_table
        for row in shape.table.rows
    ]
    assert t("source.your_input") in next(row for row in rows if row[0] == t("param.prospect_contacts.label"))


def test_the_assumption_rows_are_split_evenly_by_height_not_by_count():
    """Twenty-eight rows, one five units tall, fit two slides of room 17: split by count (14 + 14)
    the first page held the tall row and overflowed (18), and a third slide followed, half empty."""
    from estimator.reports.pptx_report import _pages

    heights = [5] + [1] * 27
    pages = _pages(heights, room=17)
    assert len(pages) == 2
    assert [i for page in pages for i in page] == list(range(28))
    assert all(sum(heights[i] for i in page) <= 17 for page in pages)
    # equal rows still split evenly, and a row taller than the room gets a slide of its own
    assert [len(page) for page in _pages([1] * 10, room=5)] == [5, 5]
    assert _pages([9, 1], room=5) == [range(0, 1), range(1, 2)]


def test_the_old_keywords_of_build_content_warn_and_give_what_the_scenario_gives():
    """custom_ranges and data_sources were the scenario's ranges and provenance under other names (issue 25)."""
    preset = load_preset("generic_b2c")
    params = preset.parameters.replace(churn_rate=0.153)
    ranges, cited = {"churn_rate": (0.1, 0.2)}, {"churn_rate": "client data: extract.csv"}
    scenario = build_content(Scenario("", params, ranges, provenance=cited), sources=preset.sources, draws=200, seed=1)
    with pytest.warns(DeprecationWarning, match="2027-06-30"):
        old = build_content(params, sources=preset.sources, custom_ranges=ranges, data_sources=cited, draws=200, seed=1)
    shown = [(content.ranges["churn_rate"].low, content.ranges["churn_rate"].high) for content in (scenario, old)]
    assert shown == [(0.1, 0.2), (0.1, 0.2)]
    assert scenario.assumptions.loc["churn_rate", "source"] == old.assumptions.loc["churn_rate", "source"] == cited["churn_rate"]
    assert scenario.monte_carlo.to_dict() == old.monte_carlo.to_dict()

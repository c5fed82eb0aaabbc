"""The Deliverables tab, driven headlessly: the buttons build files that open, for the scenario on screen."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from estimator import estimate, load_preset
from estimator.text.formatting import format_money
from estimator.text.i18n import language_scope, t
from ui.exports import BUILT_KEY, _file_name
from ui.main import TABS_KEY
from ui.plots import _CHARTS_ENABLED
from ui.scenarios import SAVE_NOTES

APP = Path(__file__).resolve().parent.parent / "app.py"


def open_tab(query=None) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=120)
    app.session_state[_CHARTS_ENABLED] = True
    app.session_state[TABS_KEY] = t("tabs.exports")
    app.query_params.update(query or {})
    return app.run()


def click(app: AppTest, label: str) -> AppTest:
    next(button for button in app.button if button.label == label).click()
    return app.run()


def test_the_tab_offers_three_deliverables_and_no_download_before_a_click():
    app = open_tab()
    assert not app.exception
    labels = [button.label for button in app.button]
    for key in ("exports.pptx", "exports.xlsx", "exports.html"):
        assert t("exports.build", kind=t(key)) in labels
    assert not app.get("download_button")


def test_each_button_builds_a_file_of_the_scenario_on_screen():
    app = open_tab({"churn_rate": "0.25", "currency": "PLN"})
    params = load_preset("generic_b2c").parameters.replace(churn_rate=0.25, currency="PLN")
    total = estimate(params).total

    app = click(app, t("exports.build", kind=t("exports.pptx")))
    assert not app.exception
    deck = Presentation(io.BytesIO(app.session_state[BUILT_KEY]["pptx"][1]))
    text = " ".join(s.text_frame.text for slide in deck.slides for s in slide.shapes if s.has_text_frame)
    assert format_money(total, "PLN", locale="en") in text
    assert any(s.has_chart for slide in deck.slides for s in slide.shapes)

    app = click(app, t("exports.build", kind=t("exports.xlsx")))
    workbook = openpyxl.load_workbook(io.BytesIO(app.session_state[BUILT_KEY]["xlsx"][1]), data_only=True)
    cached = {row[0]: row[2] for row in workbook["Model"].iter_rows(min_row=5, max_col=3, values_only=True) if row[0]}
    assert abs(cached["total"] - total) <= 1e-9 * total
    inputs = {row[0]: row[2] for row in workbook["Inputs"].iter_rows(min_row=5, max_col=3, values_only=True) if row[0]}
    assert inputs["churn_rate"] == 0.25

    app = click(app, t("exports.build", kind=t("exports.html")))
    page = app.session_state[BUILT_KEY]["html"][1].decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and format_money(total, "PLN", locale="en") in page

    # Every format built stays downloadable, with a safe file name.
    downloads = app.get("download_button")
    assert len(downloads) == 3
    assert not app.exception


def test_a_changed_scenario_hides_a_stale_download():
    app = open_tab()
    app = click(app, t("exports.build", kind=t("exports.xlsx")))
    assert len(app.get("download_button")) == 1
    app.query_params["churn_rate"] = "0.3"
    app.session_state[BUILT_KEY] = {"xlsx": (("stale",), b"old")}  # a file built for another scenario
    app = app.run()
    assert not app.get("download_button")


def test_the_scenarios_notes_go_into_the_page_escaped():
    app = open_tab()
    app.session_state[SAVE_NOTES] = "Workshop 3 <b>draft</b>: churn from CRM"
    app.run()
    app = click(app, t("exports.build", kind=t("exports.html")))
    assert not app.exception
    page = app.session_state[BUILT_KEY]["html"][1].decode("utf-8")
    assert "Workshop 3 &lt;b&gt;draft&lt;/b&gt;: churn from CRM" in page
    assert "<b>draft</b>" not in page


def _page_figures(page: str) -> dict[str, dict]:
    """The figures of an exported page, ``{div id: {"data", "layout"}}``, as plotly.js receives them."""
    decoder = json.JSONDecoder()
    figures = {}
    for match in re.finditer(r"Plotly\.newPlot\(\s*", page):
        position = match.end()
        element_id, position = decoder.raw_decode(page, position)
        data, position = decoder.raw_decode(page, page.index("[", position))
        layout, _ = decoder.raw_decode(page, page.index("{", position))
        figures[element_id] = {"data": data, "layout": layout}
    return figures


@pytest.mark.slow
def test_the_page_downloaded_from_the_app_draws_its_charts_as_the_cli_does(tmp_path):
    # Inside Streamlit plotly's default template is Streamlit's: a figure relying on the default
    # lost its automargins and the downloaded page had its axis labels cut to "s", "e", ")".
    app = open_tab({"churn_rate": "0.25"})
    app = click(app, t("exports.build", kind=t("exports.html")))
    assert not app.exception
    from_app = _page_figures(app.session_state[BUILT_KEY]["html"][1].decode("utf-8"))
    out = tmp_path / "cli.html"
    command = [sys.executable, "-m", "estimator", "report", "--preset", "generic_b2c", "--set", "churn_rate=0.25"]
    subprocess.run([*command, "--out", str(out)], check=True, capture_output=True, timeout=300, cwd=APP.parent)
    from_cli = _page_figures(out.read_text(encoding="utf-8"))
    assert set(from_app) == set(from_cli) and len(from_app) >= 5
    for element_id, figure in from_app.items():
        template = figure["layout"].get("template", {}).get("layout", {})
        assert template.get("xaxis", {}).get("automargin") and template.get("yaxis", {}).get("automargin"), element_id
        assert figure == from_cli[element_id], f"{element_id} is drawn differently in the app's page"


def test_the_download_is_named_for_a_modified_scenario_without_spaces():
    preset = load_preset("telecom_cable")
    context = SimpleNamespace(preset=preset)
    with language_scope("en"):
        assert _file_name(preset.parameters, context, "pptx") == "Telecom_and_cable_TV.pptx"
        changed = preset.parameters.replace(churn_rate=0.3)
        assert _file_name(changed, context, "pptx") == "Telecom_and_cable_TV_(modified).pptx"
        assert _file_name(changed.replace(name="Acme Q3 draft"), context, "xlsx") == "Acme_Q3_draft.xlsx"

"""The published estimates in the Assumptions and sources tab, and the levers under top-down in the uncertainty tab (AppTest)."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import plotly.io
import pytest
from streamlit.testing.v1 import AppTest

from estimator import Parameters, estimate
from estimator.analysis.published import published_table
from estimator.analysis.sensitivity import initiative_roi
from estimator.text.formatting import format_money, format_share
from estimator.text.i18n import language_scope, t
from ui.main import TABS_KEY
from ui.plots import _CHARTS_ENABLED

APP = Path(__file__).resolve().parent.parent / "app.py"


def open_tab(tab: str, lang: str = "en", query=None) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=90)
    app.session_state[_CHARTS_ENABLED] = True
    with language_scope(lang):
        app.session_state[TABS_KEY] = t(tab)
    app.query_params.update({"lang": lang, **(query or {})})
    return app.run()


def figures(app: AppTest) -> list:
    """Each chart's figure, decoded (plotly sends numeric arrays as typed binary data)."""
    return [plotly.io.from_json(chart.proto.spec) for chart in app.get("plotly_chart")]


def numbers(values) -> np.ndarray:
    """A trace's numbers: Streamlit's figures carry numeric arrays as typed base64 data."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values, dtype=float)


@pytest.mark.parametrize("lang", ["en", "pl", "hu", "nl", "el"])
def test_published_section_in_every_language(lang):
    app = open_tab("tabs.assumptions", lang)
    assert not app.exception
    with language_scope(lang):
        assert t("published.title") in [header.value for header in app.subheader]
        notes = " ".join(m.value for m in app.markdown)
        table = published_table()
        for note in table["note"]:
            assert note in notes
        shown = [figure for figure in figures(app) if figure.layout.title.text == t("published.chart_title")]
        assert shown, "the published vs reproduced vs whole-model chart is drawn"
        names = {trace.name for trace in shown[0].data}
        assert names == {t("published.published"), t("published.reproduced"), t("published.whole_model")}
        page = " ".join(str(element.value) for element in app.caption) + notes
        assert "published." not in page and "interventions." not in page


def test_scenario_share_next_to_the_published_shares():
    app = open_tab("tabs.assumptions", query={"churn_rate": "0.25"})
    assert not app.exception
    share = float(estimate(Parameters(churn_rate=0.25)).share_of_revenue)
    chart = next(f for f in figures(app) if f.layout.title.text == t("published.share_title"))
    assert chart.layout.shapes[0].x0 == pytest.approx(share)
    assert format_share(share, locale="en") in chart.layout.annotations[0].text


def test_levers_chart_shows_both_values_and_no_good_action_as_a_loss():
    app = open_tab("tabs.sensitivity")
    assert not app.exception
    levers = next(f for f in figures(app) if any(t("interventions.series_method") == d.name for d in f.data))
    assert [d.name for d in levers.data] == [t("interventions.series_method"), t("interventions.series_bottom_up")]
    method = next(d for d in levers.data if d.name == t("interventions.series_method"))
    assert min(numbers(method.x)) > 0
    assert t("interventions.note_scaled") == levers.layout.annotations[0].text.replace("<br>", " ")
    # The initiative panel prices the default initiative with the same rule and shows the bottom-up value too.
    plan = initiative_roi(Parameters(), {"resolved_share": 0.77}, one_off_cost=100_000.0, yearly_cost=20_000.0)
    captions = " ".join(c.value for c in app.caption)
    assert (
        t("interventions.initiative_bottom_up", amount=format_money(plan.revenue_recovered_bottom_up, "EUR", locale="en"))
        in captions
    )


def test_exports_offer_the_published_slide():
    app = open_tab("tabs.exports")
    assert not app.exception
    box = next(c for c in app.checkbox if c.label == t("published.export_option"))
    assert box.value is False
    app = box.check().run()
    assert not app.exception

"""What a client would question on screen is explained there, with the figures computed independently:
the headline beside a higher Monte Carlo median, and a value at risk that falls while churn rises."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest
from test_app import APP, assert_no_exception

from estimator import estimate, load_preset
from estimator.analysis.sensitivity import DEFAULT_SEED, UncertaintyRanges, monte_carlo
from estimator.text.formatting import format_money, format_parameter
from estimator.text.i18n import catalogue, param_label, t
from ui.main import TABS_KEY
from ui.plots import _CHARTS_ENABLED


def open_tab(tab: str, query: dict | None = None) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=90)
    app.session_state[_CHARTS_ENABLED] = False
    app.session_state[TABS_KEY] = t(tab)
    app.query_params.update(query or {})
    return app.run()


def captions(app: AppTest) -> list[str]:
    return [c.value for c in app.caption]


def test_the_median_above_the_headline_is_explained_with_both_figures():
    params = load_preset("generic_b2c").parameters
    app = open_tab("tabs.sensitivity")
    assert_no_exception(app)
    headline = estimate(params).total
    result = monte_carlo(params, UncertaintyRanges.around(params), draws=10_000, seed=DEFAULT_SEED)
    median = result.percentiles["p50"]
    assert median > headline * 1.01  # the case the client saw: €6.79M against €6.11M
    expected = t("uncertainty.skew_above", median=format_money(median, "EUR"), headline=format_money(headline, "EUR"))
    assert expected in captions(app)


def test_a_value_at_risk_that_falls_as_churn_rises_is_explained():
    before = load_preset("online_retailer").parameters.replace(churn_rate=0.45)
    after = before.replace(churn_rate=0.8)
    # The case itself, from the model: more lost a year, less value at risk over the horizon.
    assert estimate(after).total > estimate(before).total
    assert estimate(after).value_at_risk < estimate(before).value_at_risk
    app = open_tab("tabs.baseline", {"preset": "online_retailer", "churn_rate": "0.45"})
    app.button(key="pin_baseline").click().run()
    app.query_params["churn_rate"] = "0.8"
    app.session_state["scenario"] = {**app.session_state["scenario"], "churn_rate": 0.8}
    app.run()
    assert_no_exception(app)
    expected = t(
        "baseline.value_at_risk_churn",
        years=after.horizon_years,
        before=format_money(estimate(before).value_at_risk, "EUR"),
        after=format_money(estimate(after).value_at_risk, "EUR"),
        churn_before=format_parameter("churn_rate", 0.45, "EUR"),
        churn_after=format_parameter("churn_rate", 0.8, "EUR"),
    )
    assert expected in captions(app)
    # A rise in churn that raises the value at risk needs no such note.
    app.session_state["scenario"] = {**app.session_state["scenario"], "churn_rate": 0.5}
    app.run()
    assert estimate(before.replace(churn_rate=0.5)).value_at_risk > estimate(before).value_at_risk
    assert not [c for c in captions(app) if "q = (1" in c]


def test_an_assumptions_note_states_the_current_value_of_what_it_compares_with():
    app = open_tab("tabs.assumptions", {"churn_rate": "0.205"})
    assert_no_exception(app)
    table = app.table[0].value
    notes = dict(zip(table[t("assumptions.column_input")], table[t("assumptions.column_note")], strict=True))
    note = notes[param_label("baseline_churn")]
    assert "20.5%" in note and "18%" not in note  # was "Below the all-cause churn of 18%" after churn moved
    # Everywhere the note is read: the preset's own table and the deliverables' assumptions.
    preset = load_preset("generic_b2c")
    assert "18%" in preset.assumptions().loc["baseline_churn", "note"]
    assert "{" not in " ".join(preset.assumptions()["note"])
    from estimator.reports import build_content

    rows = build_content(preset.parameters.replace(churn_rate=0.205)).assumptions
    assert "20.5%" in rows.loc["baseline_churn", "note"]


def test_the_greek_overline_is_in_capitals_without_accents():
    app = open_tab("tabs.overview", {"lang": "el"})
    assert_no_exception(app)
    (overline,) = [e.proto.body for e in app.get("html") if 'class="overline"' in e.proto.body]
    text = overline.split(">", 1)[1].rsplit("<", 1)[0]
    assert text == text.upper() and re.search("[Α-Ω]{4}", text), text
    assert not re.search("[ΆΈΉΊΌΎΏ]", text), text  # capitals with tonos: Greek drops them in all-capital text


@pytest.mark.parametrize("language", ["en", "pl", "hu", "nl", "el"])
def test_no_client_facing_text_names_a_script_or_a_file_of_the_server(language):
    """Tooltips and captions once showed "scripts/make_sample_customers.py" and the library's file path."""

    def strings(node, prefix=""):
        for key, value in node.items():
            if isinstance(value, dict):
                yield from strings(value, f"{prefix}{key}.")
            elif isinstance(value, str):
                yield f"{prefix}{key}", value

    path_like = re.compile(r"[\w.-]+/[\w.-]+\.(?:py|sh|sqlite3?|db|toml|csv)\b|\{path\}")
    offenders = {key: text for key, text in strings(catalogue(language)) if path_like.search(text)}
    assert not offenders, offenders

"""The registry of analyses (estimator.analysis.registry.ANALYSES): every analysis declared once has
every piece an analysis needs, and the command line, the app's Uncertainty tab and the deliverables
offer exactly the registry's analyses, each computed as the analysis's own function computes it."""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import json

import pandas as pd
import pytest

from estimator import Parameters
from estimator.analysis.registry import ANALYSES, Analysis, run_analysis
from estimator.analysis.sensitivity import UncertaintyRanges, levers, monte_carlo, sobol_indices, spider, tornado
from estimator.cli import build_parser, run
from estimator.reports.content import ReportContent, build_content

#: Small sizes, so that each analysis runs in a blink.
QUICK = {"draws": 400, "seed": 11, "n": 64, "points": 3, "x": "churn_rate", "y": "service_share"}
#: Options of the sensitivity command that are not an analysis's: the scenario, the ranges, the format.
NOT_AN_ANALYSIS_OPTION = {"help", "preset", "params", "assignments", "kind", "ranges", "format", "lang"}


def _sensitivity_parser() -> argparse.ArgumentParser:
    subparsers = next(action for action in build_parser()._actions if isinstance(action, argparse._SubParsersAction))
    return subparsers.choices["sensitivity"]


def missing_pieces(analysis: Analysis) -> list[str]:
    """What an analysis lacks of what ARCHITECTURE.md's "Where to add: an analysis" asks for."""
    from ui.uncertainty import SECTIONS

    missing = []
    accepted = inspect.signature(analysis.run).parameters
    missing += [f"run takes option {name}" for name in analysis.options if name not in accepted]
    missing += [
        f"a default for {name}"
        for name in analysis.options
        if name not in analysis.requires and name in accepted and accepted[name].default is inspect.Parameter.empty
    ]
    kind = next(action for action in _sensitivity_parser()._actions if action.dest == "kind")
    missing += ["the CLI's --kind"] * (analysis.name not in kind.choices)
    missing += ["a place in the app's tab"] * (analysis.app_section not in SECTIONS)
    fields = {field.name for field in dataclasses.fields(ReportContent)}
    missing += ["a ReportContent field"] * bool(analysis.report_field and analysis.report_field not in fields)
    if not missing:
        params = Parameters()
        result = analysis.run(
            params, UncertaintyRanges.around(params), **{k: v for k, v in QUICK.items() if k in analysis.options}
        )
        missing += ["a table"] * (not isinstance(analysis.to_frame(result), pd.DataFrame) or analysis.to_frame(result).empty)
        missing += ["JSON"] * (not json.loads(analysis.to_json(result)))
        missing += ["text"] * (not analysis.to_text(result).strip())
    return missing


@pytest.mark.parametrize("analysis", ANALYSES.values(), ids=lambda analysis: analysis.name)
def test_every_analysis_has_every_piece(analysis):
    assert analysis.name in ANALYSES and ANALYSES[analysis.name] is analysis
    assert missing_pieces(analysis) == []


def test_an_analysis_missing_its_pieces_is_caught():
    ghost = Analysis(
        "ghost",
        ("output", "depth"),
        lambda params, ranges, output="total": pd.DataFrame(),
        lambda result: result,
        lambda result: "[]",
        lambda result: "",
        uses_ranges=False,
        app_section="nowhere",
        report_field="ghost",
    )
    assert missing_pieces(ghost) == [
        "run takes option depth",
        "the CLI's --kind",
        "a place in the app's tab",
        "a ReportContent field",
    ]


def test_the_cli_offers_exactly_the_registrys_analyses_and_their_options():
    parser = _sensitivity_parser()
    kind = next(action for action in parser._actions if action.dest == "kind")
    assert tuple(kind.choices) == tuple(ANALYSES) == ("tornado", "spider", "heatmap", "montecarlo", "sobol", "levers")
    offered = {action.dest for action in parser._actions} - NOT_AN_ANALYSIS_OPTION
    read = {option for analysis in ANALYSES.values() for option in analysis.options}
    assert offered == read  # no option that no analysis reads, none an analysis reads but cannot get


def test_the_apps_tab_has_a_place_for_every_analysis_and_no_empty_place():
    from ui.uncertainty import SECTIONS

    used = {analysis.app_section for analysis in ANALYSES.values()}
    assert used == set(SECTIONS)


def test_the_deliverables_carry_the_analyses_with_a_report_field_as_their_functions_compute_them():
    params = Parameters(churn_rate=0.2)
    content = build_content(params, draws=500, seed=5)
    ranges = UncertaintyRanges.around(params)
    carried = {analysis.report_field for analysis in ANALYSES.values() if analysis.report_field}
    assert carried == {"tornado", "monte_carlo", "levers"}
    pd.testing.assert_frame_equal(content.tornado.to_frame(), tornado(params, ranges).to_frame())
    assert content.monte_carlo.to_dict() == monte_carlo(params, ranges, draws=500, seed=5).to_dict()
    pd.testing.assert_frame_equal(content.levers, levers(params))


@pytest.mark.parametrize(
    ("argv", "direct"),
    [
        (
            ["--kind", "tornado", "--top", "3", "--output", "retention"],
            lambda p, r: tornado(p, r, output="retention", top=3).to_dict(),
        ),
        (
            ["--kind", "montecarlo", "--draws", "300", "--seed", "4", "--sampling", "lhs", "--threshold", "5e6"],
            lambda p, r: monte_carlo(p, r, draws=300, seed=4, sampling="lhs", threshold=5e6).to_dict(),
        ),
        (["--kind", "spider"], lambda p, r: json.loads(spider(p).to_json(orient="records"))),
        (
            ["--kind", "levers", "--output", "profit_lost"],
            lambda p, r: json.loads(levers(p, output="profit_lost").reset_index().to_json(orient="records")),
        ),
    ],
    ids=lambda value: value[1] if isinstance(value, list) else "",
)
def test_the_cli_runs_each_analysis_with_the_options_given(argv, direct):
    # The CLI's JSON equals the analysis's own function called with the same options (an independent path).
    params = Parameters(churn_rate=0.2)
    shown = json.loads(run(["sensitivity", *argv, "--set", "churn_rate=0.2", "--format", "json"]))
    assert shown == direct(params, UncertaintyRanges.around(params))


def test_sobol_without_a_seed_uses_seed_zero_as_before():
    params = Parameters()
    ranges = UncertaintyRanges.around(params)
    indices = run_analysis("sobol", params, ranges, {"n": 64, "seed": None, "draws": 10})
    expected = sobol_indices(params, ranges, n=64, seed=0)
    # The confidence intervals are SALib's bootstrap (not reproducible); the indices are.
    pd.testing.assert_frame_equal(indices[["S1", "ST"]], expected[["S1", "ST"]])


def test_heatmap_without_its_two_parameters_names_both(capsys):
    from estimator.cli import main

    assert main(["sensitivity", "--kind", "heatmap", "--x", "churn_rate"]) == 2
    assert "--kind heatmap needs --x and --y, two parameters to put on the grid" in capsys.readouterr().err


def test_the_apps_tab_runs_every_analysis_of_the_registry(monkeypatch):
    from pathlib import Path

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from estimator.analysis import registry
    from estimator.text.i18n import t
    from ui.main import TABS_KEY

    ran = []

    def spied(analysis: Analysis) -> Analysis:
        def run_and_note(*args, **options):
            ran.append(analysis.name)
            # Smaller samples keep the test quick; what is checked is that the tab runs them all.
            options.update({key: value for key, value in (("draws", 500), ("n", 64)) if key in options})
            return analysis.run(*args, **options)

        return dataclasses.replace(analysis, run=run_and_note)

    monkeypatch.setattr(registry, "ANALYSES", {name: spied(analysis) for name, analysis in ANALYSES.items()})
    st.cache_data.clear()  # analyses cached by an earlier test would not run again
    app = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=90)
    app.session_state[TABS_KEY] = t("tabs.sensitivity")
    try:
        app.run()
    finally:
        st.cache_data.clear()  # the smaller samples' results must not reach a later test
    assert not app.exception
    assert set(ran) == set(ANALYSES)

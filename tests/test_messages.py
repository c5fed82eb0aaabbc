"""One message pipeline (estimator.text.messages): every code raised has its words in every catalogue, and
the app, the command line, the notebook app and the documents all say the same thing."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest

import estimator
from estimator import Parameters, estimate
from estimator.calibration.messages import ERROR_MESSAGES
from estimator.calibration.messages import WARNING_MESSAGES as CALIBRATION_MESSAGES
from estimator.cli import main
from estimator.controls import entry_problem_text, read_entry
from estimator.core.parameters import PARAMETER_SPECS
from estimator.core.result import WARNING_MESSAGES
from estimator.links import link_problem_text, scenario_from_query
from estimator.reports import build_content
from estimator.reports.content import warning_texts
from estimator.text.i18n import LANGUAGES, catalogue, has_key, language_scope, use_language
from estimator.text.messages import name_parameters, warning_text

ESTIMATOR = Path(estimator.__file__).parent

#: A scenario raising each model message, worked out by hand (see tests/test_model_hand.py).
SCENARIOS = {
    # 800 customers entered, 20,000 prospect contacts by default (estimate() scales nothing): missed contacts
    # 20,000 x 0.10 x 0.20 x 600 = 240,000 of a 287,000 total, 59.8 % of revenue (800 x 600 = 480,000).
    "loss_share_high": {"customers": 800},
    # 2,000 customers: missed contacts 240,000 of 357,400 (67 %), every input of it a default.
    "one_channel_dominates_from_default": {"customers": 2000},
    "silent_cap": {"complaint_rate": 0.3, "silent_ratio": 5},
    "negative_bottom_up_resolved": {"churn_resolved": 0.05},
    "negative_bottom_up_unresolved": {"churn_unresolved": 0.05},
    "negative_bottom_up_silent": {"churn_silent": 0.05},
    "negative_bottom_up": {"churn_resolved": 0.0, "churn_unresolved": 0.0, "churn_silent": 0.0},
    "negative_bottom_up_in_use": {"method": "bottom_up", "churn_resolved": 0.0, "churn_unresolved": 0.0, "churn_silent": 0.0},
    "bottom_up_exceeds_churn": {"churn_rate": 0.02},
    "methods_disagree": {"service_share": 0.1},
    "downtime_capped": {"incidents_per_year": 365, "incident_hours": 48},
    "missed_prospects_large": {"customers": 4000},  # 20,000 x 0.10 x 0.20 = 400 lost prospects, 10 %
    "share_undefined": {"annual_value": 0},
    "implied_share_undefined": {"churn_rate": 0},
}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def lookup(language: str, key: str) -> str:
    node = catalogue(language)
    for part in key.split("."):
        node = node[part]
    return node


def raised(message_id: str):
    warnings = [w for w in estimate(**SCENARIOS[message_id]).warnings if w.message_id == message_id]
    assert len(warnings) == 1, message_id
    return warnings[0]


def test_every_model_message_is_raised_by_its_scenario():
    assert set(SCENARIOS) == set(WARNING_MESSAGES)
    for message_id in SCENARIOS:
        assert raised(message_id).code == WARNING_MESSAGES[message_id]


def test_every_id_raised_in_the_source_is_registered():
    source = "\n".join(path.read_text() for path in ESTIMATOR.rglob("*.py"))
    # Model ids built at run time (negative_<group>) are covered by SCENARIOS; ModelWarning.of refuses others.
    model = set(re.findall(r"\bwarn\(\s*\"(\w+)\"", source))
    assert "silent_cap" in model and model <= set(WARNING_MESSAGES)
    calibration_errors = set(re.findall(r"CalibrationError\(\s*\"(\w+)\"", source))
    calibration_notes = set(re.findall(r"CalibrationWarning\.of\(\s*\"(\w+)\"", source))
    assert calibration_errors and calibration_errors <= set(ERROR_MESSAGES)
    assert calibration_notes and calibration_notes <= set(CALIBRATION_MESSAGES)


def _message_keys() -> list[str]:
    keys = [f"warning.{message_id}" for message_id in WARNING_MESSAGES]
    keys += [f"calibration.error.{message_id}" for message_id in ERROR_MESSAGES]
    keys += [f"calibration.warning.{message_id}" for message_id in CALIBRATION_MESSAGES]
    keys += ["link.ignored_item", "input.problem", "calibration.error_rows.one", "calibration.error_rows.other"]
    return keys


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_message_has_a_text_in_every_language_with_the_same_placeholders(language):
    for key in _message_keys():
        assert has_key(key, language), f"{key} missing in {language}"
        assert placeholders(lookup(language, key)) == placeholders(lookup("en", key)), f"{key} in {language}"


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_model_message_quotes_exactly_the_figures_it_carries(language):
    for message_id in WARNING_MESSAGES:
        warning = raised(message_id)
        assert placeholders(lookup(language, f"warning.{message_id}")) == set(warning.values), message_id
        text = warning.text(language)
        assert "{" not in text and not re.search(r"\b[a-z]+_[a-z_]+\b", text), text  # filled, keys shown as labels


def test_every_reason_of_an_unusable_value_has_a_text_in_every_language():
    reasons = {"empty", "unreadable_number", "unknown_preset", "not_a_choice"}
    bad = (("churn_rate", "2"), ("churn_rate", "nan"), ("customers", "inf"), ("horizon_years", "2.5"), ("currency", "ZZZ"))
    for key, text in bad:
        reasons |= {problem.reason for problem in scenario_from_query({key: text}).problems}
    reasons |= {problem.reason for problem in scenario_from_query({"no_such_input": "1"}).problems}
    assert {"out_of_range", "not_a_number", "infinite", "not_whole", "unknown_currency"} <= reasons
    for language in LANGUAGES:
        for reason in reasons:
            assert has_key(f"reason.{reason}", language), f"reason.{reason} missing in {language}"


def test_english_texts_are_the_catalogues_with_figures_worked_out_by_hand():
    # 6,700 resolved complainers churn 5 % against a 12 % baseline: 6,700 x 0.07 = 469 fewer customers lost.
    resolved = raised("negative_bottom_up_resolved")
    assert resolved.message == (
        "Bottom-up: complainers whose complaint was resolved churn less than customers with no problem "
        "(5.0% vs baseline_churn 12.0%), so they lower the customers lost by 469."
    )
    # complaint_rate x silent_ratio = 0.3 x 5 = 150 %, but only the 70 % who did not complain can be silent.
    assert raised("silent_cap").message == (
        "The silent dissatisfied customers are capped: complaint_rate × silent_ratio is 150.0% of customers, "
        "but only the 70.0% who did not complain can be silent, so 70.0% is used."
    )
    # The consequence for the channels is said only when the negative count is used (method bottom_up).
    assert "retention channel" in raised("negative_bottom_up_in_use").message
    assert "retention channel" not in raised("negative_bottom_up").message


def test_figures_are_written_as_each_language_writes_them():
    warning = raised("downtime_capped")  # 365 x 48 = 17,520 hours
    assert "17,520" in warning.text("en")
    assert "17\xa0520" in warning.text("pl") and "17.520" in warning.text("nl")
    capped = [w for w in estimate(complaint_rate=0.5, silent_ratio=30).warnings if w.code == "silent_cap"]
    assert "1500,0%" in capped[0].text("pl")


#: Several warnings at once: the silent cap, downtime capped, a negative group.
BUSY = {"complaint_rate": 0.3, "silent_ratio": 5, "incidents_per_year": 365, "incident_hours": 48, "churn_resolved": 0.05}


def _cli_warnings(capsys) -> tuple[list[str], list[str]]:
    settings = [item for key, value in BUSY.items() for item in ("--set", f"{key}={value}")]
    assert main(["estimate", *settings, "--format", "json"]) == 0
    as_json = json.loads(capsys.readouterr().out)["warnings"]
    assert main(["estimate", *settings]) == 0
    table = [line.removeprefix("  - ") for line in capsys.readouterr().out.splitlines() if line.startswith("  - ")]
    return as_json, table


@pytest.mark.parametrize("language", ["en", "pl"])
def test_the_app_the_cli_the_notebook_and_a_report_say_the_same(language, capsys):
    from ui.context import model_warning_markdown

    params = Parameters(BUSY)
    warnings = estimate(params).warnings
    assert len(warnings) == 4 and warnings[0].code == "loss_share_high"  # 135 % of revenue: the plausibility warning first
    as_json, table = _cli_warnings(capsys)
    # The command line speaks English with the parameters' keys, in JSON and in the table alike.
    assert as_json == table == [w.message for w in warnings] == [warning_text(w, "en", labels=False) for w in warnings]
    report = warning_texts(build_content(params, draws=200, language=language))
    try:
        use_language(language)
        app = [model_warning_markdown(w) for w in warnings]
    finally:
        use_language("en")
    # The app puts the labels in italics; a document writes them plain: otherwise the same words.
    assert [text.replace("*", "") for text in app] == report
    assert sum("*" in text for text in app) == 3  # the share too high, the silent cap and the negative group name parameters
    if language == "en":  # the CLI's sentence, with the keys named by their labels, is the document's
        with language_scope("en"):
            assert [name_parameters(text) for text in as_json] == report


def test_the_notebook_app_shows_the_pipelines_text():
    from estimator.notebook import explore

    app = explore(Parameters(BUSY), language="pl", display=False)
    shown = app._warnings.value
    with language_scope("pl"):
        for warning in app.estimate.warnings:
            sentence = warning_text(warning, "pl", emphasis="*").split("*")[0]  # up to the first label
            assert sentence in shown


def test_link_and_entry_problems_name_the_field_the_value_and_what_is_allowed():
    problem = scenario_from_query({"churn_rate": "abc"}).problems[0]
    assert link_problem_text(problem, "en") == "`churn_rate=abc`: not a number; allowed: from 0 to 1."
    assert "nie jest liczbą" in link_problem_text(problem, "pl") or "liczb" in link_problem_text(problem, "pl")
    _, entry = read_entry("churn_rate", "120")
    with language_scope("en"):
        text = entry_problem_text(entry, 0.18, locale="en")
    label = catalogue("en")["param"]["churn_rate"]["label"]
    assert text == f"**{label}**: 120% is out of range. Allowed: from 0% to 100%. The last valid value, 18%, is used meanwhile."
    assert PARAMETER_SPECS["churn_rate"].max == 1

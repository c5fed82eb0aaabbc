"""The command line end to end: outputs, precedence of sources, exit codes and messages."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from numpy.testing import assert_allclose

from estimator import estimate, list_presets, load_preset
from estimator.cli import main

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """Run ``python -m estimator`` as a user would, in a separate process."""
    return subprocess.run([sys.executable, "-m", "estimator", *args], capture_output=True, text=True, cwd=ROOT, timeout=60)


def cli_json(capsys, *args: str):
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def test_estimate_json_reproduces_model_md_defaults():
    result = run_cli("estimate", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {
        "inputs",
        "revenue_lost",
        "customers_lost",
        "share_of_revenue",
        "profit_lost",
        "value_at_risk",
        "replacement_cost",
        "cross_check",
        "warnings",
    }
    lost = data["revenue_lost"]
    assert set(lost) == {"total", "retention", "spend_reduction", "missed_contacts", "word_of_mouth", "incidents"}
    assert round(lost["total"] / 1e6, 2) == 6.11 and round(data["share_of_revenue"], 3) == 0.102
    assert [
        round(lost[k] / 1e6, 2) for k in ("retention", "spend_reduction", "missed_contacts", "word_of_mouth", "incidents")
    ] == [4.32, 0.70, 0.24, 0.39, 0.46]
    assert set(data["customers_lost"]) >= {"retention", "missed_contacts", "word_of_mouth", "incidents"}
    cross = data["cross_check"]
    assert (round(cross["top_down_customers"]), round(cross["bottom_up_customers"])) == (7200, 5625)
    assert round(cross["implied_service_share"], 2) == 0.31
    assert data["inputs"]["churn_rate"] == 0.18 and data["inputs"]["currency"] == "EUR"
    assert data["warnings"] == []


def test_later_sources_override_earlier_ones(tmp_path, capsys):
    toml_file = tmp_path / "client.toml"
    toml_file.write_text('name = "Client"\ncurrency = "HUF"\nchurn_rate = 0.25\nservice_share = 0.5\n')
    json_file = tmp_path / "override.json"
    json_file.write_text('{"service_share": 0.6}')
    data = cli_json(
        capsys,
        "estimate",
        "--preset",
        "telecom_cable",
        "--params",
        str(toml_file),
        "--params",
        str(json_file),
        "--set",
        "churn_rate=0.3",
        "--format",
        "json",
    )
    inputs = data["inputs"]
    assert inputs["customers"] == load_preset("telecom_cable").parameters.customers  # from the preset
    assert (inputs["name"], inputs["currency"]) == ("Client", "HUF")  # from the TOML file
    assert inputs["service_share"] == 0.6  # the later file wins
    assert inputs["churn_rate"] == 0.3  # --set wins over everything
    expected = estimate(load_preset("telecom_cable").parameters, name="Client", currency="HUF", churn_rate=0.3, service_share=0.6)
    assert_allclose(data["revenue_lost"]["total"], expected.total, rtol=1e-12)


def test_json_output_reads_back_as_a_scenario_file(tmp_path, capsys):
    first = cli_json(capsys, "estimate", "--preset", "b2b_contracts", "--set", "method=bottom_up", "--format", "json")
    saved = tmp_path / "saved.json"
    saved.write_text(json.dumps(first))
    assert cli_json(capsys, "estimate", "--params", str(saved), "--format", "json") == first


def test_table_output_shows_channels_cross_check_and_warnings(capsys):
    assert main(["estimate", "--set", "complaint_rate=0.3", "--set", "silent_ratio=5"]) == 0
    out = capsys.readouterr().out
    for text in (
        "retention",
        "spend_reduction",
        "incidents",
        "total",
        "Cross-check",
        "top-down",
        "bottom-up",
        "Warnings:",
        "silent dissatisfied customers are capped",
    ):
        assert text in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["estimate", "--set", "churn_rate=1.5"], "churn_rate: 1.5 is out of range; allowed: a number from 0 to 1"),
        (["estimate", "--set", "churn_rate=nan"], "churn_rate: nan is not a number (NaN)"),
        (["estimate", "--set", "customers=inf"], "customers: inf is infinite"),
        (["estimate", "--set", "customers=many"], "customers: 'many' is not a number"),
        (["estimate", "--set", "churn=0.2"], "churn: '0.2' is an unknown parameter"),
        (["estimate", "--set", "churn_rate"], "--set: expected KEY=VALUE, got 'churn_rate'"),
        (["estimate", "--set", "method=sideways"], "method: 'sideways' is not a valid choice"),
        (["estimate", "--set", "currency=ZZZ"], "currency: 'ZZZ' is not a known currency code"),
        (["estimate", "--preset", "nope"], "preset: 'nope' is not a preset"),
        (["estimate", "--params", "/does/not/exist.json"], "cannot be read"),
        (["estimate", "--format", "xml"], "invalid choice: 'xml'"),
        (["estimate", "--bogus"], "unrecognized arguments: --bogus"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "the following arguments are required: command"),
        (["benchmarks", "--parameter", "colour"], "no evidence row informs 'colour'"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_traceback(args, message):
    result = run_cli(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and message in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_values_in_a_file_name_the_parameter(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"churn_rate": "high", "horizon_years": 2.5}')
    result = run_cli("estimate", "--params", str(bad))
    assert result.returncode == 2
    assert "churn_rate: 'high' is wrong type (str)" in result.stderr
    assert "horizon_years: 2.5 is not a whole number" in result.stderr


def test_presets_command_lists_every_preset(capsys):
    data = cli_json(capsys, "presets", "--format", "json")
    assert [p["name"] for p in data] == [p.name for p in list_presets()]
    poland = next(p for p in data if p["name"] == "poland_consumer_services")
    assert poland["currency"] == "PLN" and poland["sources"]["annual_value"] == "foz-annual-value"
    assert main(["presets"]) == 0
    table = capsys.readouterr().out
    assert "telecom_cable" in table and f"{estimate(load_preset('telecom_cable').parameters).total:,.0f}" in table


def test_benchmarks_command_lists_the_evidence(capsys):
    rows = cli_json(capsys, "benchmarks", "--format", "json")
    assert {"id", "value", "measures", "country", "year", "source", "url", "parameter", "grade", "note"} <= set(rows[0])
    churn_rows = cli_json(capsys, "benchmarks", "--parameter", "churn_rate", "--format", "json")
    assert churn_rows and all(r["parameter"] == "churn_rate" for r in churn_rows)
    assert main(["benchmarks"]) == 0
    assert "Consumer Reports" in capsys.readouterr().out


@pytest.mark.parametrize("preset", [p.name for p in list_presets()])
def test_preset_estimates_match_golden_files(preset, capsys):
    """Regression guard: a change in any preset's figures must be deliberate.

    Regenerate with ``UPDATE_GOLDEN=1 python -m pytest tests/test_cli.py`` and review the diff.
    """
    data = cli_json(capsys, "estimate", "--preset", preset, "--format", "json")
    path = GOLDEN / f"{preset}.json"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    golden = json.loads(path.read_text())
    assert data["inputs"] == golden["inputs"]
    assert data["warnings"] == golden["warnings"]
    for section in ("revenue_lost", "customers_lost"):
        for key, value in golden[section].items():
            assert_allclose(data[section][key], value, rtol=1e-12, err_msg=f"{section}.{key}")
    for key in ("share_of_revenue", "profit_lost", "value_at_risk", "replacement_cost"):
        assert_allclose(data[key], golden[key], rtol=1e-12, err_msg=key)


def test_the_cross_check_line_says_whose_service_share_it_is(capsys):
    """MODEL.md v3: the default 40 % service share is not "entered" (the text output once said so)."""
    assert main(["estimate", "--set", "customers=2400"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "implied by bottom-up" in x)
    assert line.endswith("(service_share 40.0%, default)"), line
    assert main(["estimate", "--set", "service_share=0.3"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "implied by bottom-up" in x)
    assert line.endswith("(service_share 30.0%, entered)"), line


def test_output_cut_short_by_its_reader_is_no_traceback():
    """`python -m estimator published | head -2`: the reader closes the pipe after two lines."""
    root = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-m", "estimator", "published"]
    process = subprocess.Popen(
        command, cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    first = process.stdout.readline()
    process.stdout.close()  # as `head` does once it has its lines
    error = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0 and first, error
    assert "Traceback" not in error and "BrokenPipe" not in error, error

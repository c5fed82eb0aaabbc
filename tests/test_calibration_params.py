"""From calibration to everything else on the command line (issue 11, item 7): the JSON of
``calibrate --format json`` is a ``--params`` file for estimate, sensitivity, report and scenarios save;
``calibrate --write-params`` writes the same as a TOML scenario; the output says which inputs came from
the data and which inputs clash."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
from numpy.testing import assert_allclose

from estimator import Parameters, load_preset
from estimator.calibration import calibrate
from estimator.cli import build_parser, main, run
from estimator.cli.common import build_scenario
from estimator.core.parameters import InputError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from make_untidy_extracts import polish_extract  # noqa: E402

PRESET = load_preset("generic_b2c").parameters


@pytest.fixture(scope="module")
def extract(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("params") / "klienci.csv"
    polish_extract().to_csv(path, sep=";", index=False, encoding="cp1250")
    return path


@pytest.fixture(scope="module")
def calibration_json(extract) -> Path:
    path = extract.with_name("calibration.json")
    path.write_text(run(["calibrate", str(extract), "--format", "json", "--reason", "Zmiana potrzeb=unknown"]), encoding="utf-8")
    return path


def flat(value: object, key: str = "") -> dict[str, object]:
    """Nested mappings and lists as one mapping of dotted keys: ``pytest.approx`` compares flat ones only
    (pytest 9.2 refuses nested dictionaries)."""
    if isinstance(value, Mapping):
        items = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return {key: value}
    return {dotted: leaf for name, item in items for dotted, leaf in flat(item, f"{key}.{name}" if key else str(name)).items()}


def scenario(*argv: str):
    args = build_parser().parse_args(["estimate", *argv])
    built = build_scenario(args)
    return built.parameters, built.ranges, built.provenance


def test_the_calibration_json_sets_the_estimates_their_ranges_and_their_provenance(extract, calibration_json):
    result = calibrate(extract, reasons={"Zmiana potrzeb": "unknown"})
    params, ranges, provenance = scenario("--preset", "generic_b2c", "--params", str(calibration_json))
    calibrated = result.parameter_values()
    # MODEL.md v3: the preset's 20,000 prospect contacts are sized for its 100,000 customers; the file's
    # customers scale them (not entered by anyone): 20,000 x 2,000 / 100,000 = 400.
    scaled = PRESET.prospect_contacts * calibrated["customers"] / 100_000
    expected = Parameters({**PRESET.to_dict(), **calibrated, "prospect_contacts": scaled})
    for key, value in expected.model_inputs().items():
        if isinstance(value, float):
            assert_allclose(params[key], value, rtol=1e-12, err_msg=key)
        else:
            assert params[key] == value, key
    assert "silent_ratio" not in calibrated and params.silent_ratio == PRESET.silent_ratio  # kept from the preset
    for key, (low, high) in result.uncertainty_ranges().items():
        assert_allclose(ranges[key], (low, high), rtol=1e-12)
    assert set(provenance) == set(calibrated)
    assert provenance["churn_rate"].startswith("calibrated from klienci.csv; 2,000 rows; 95 % interval ")
    assert provenance["service_share"].endswith("; reasons classed by hand: Zmiana potrzeb = unknown")
    # A --set after the file wins, and its key is no longer said to come from the data.
    params, _, provenance = scenario("--params", str(calibration_json), "--set", "churn_rate=0.2")
    assert params.churn_rate == 0.2 and "churn_rate" not in provenance


def test_estimate_says_which_inputs_came_from_data_and_which_clash(calibration_json):
    text = run(["estimate", "--params", str(calibration_json)])
    assert "Inputs from client data (the rest from the preset or defaults):" in text
    assert "  complaint_rate: calibrated from klienci.csv; 2,000 rows; 95 % interval " in text
    assert "! " not in text or "the inputs that clash" in text
    # A preset-style value that contradicts the data: 15 % complainers × 10 silent per complainer > everyone else.
    clash = run(["estimate", "--params", str(calibration_json), "--set", "silent_ratio=10"])
    assert "The silent dissatisfied customers are capped" in clash
    expected = "  ! silent_cap: the inputs that clash are complaint_rate (from the data) and silent_ratio (not from the data)"
    assert expected in clash
    _, _, provenance = scenario("--params", str(calibration_json))
    data = json.loads(run(["estimate", "--params", str(calibration_json), "--format", "json"]))
    assert data["provenance"] == provenance


def test_write_params_gives_the_same_scenario_as_the_json(extract, calibration_json, tmp_path):
    out = tmp_path / "calibrated.toml"
    text = run(["calibrate", str(extract), "--write-params", str(out), "--reason", "Zmiana potrzeb=unknown"])
    assert text.endswith(f"wrote {out} (use it with --params)")
    from_toml = scenario("--preset", "generic_b2c", "--params", str(out))
    from_json = scenario("--preset", "generic_b2c", "--params", str(calibration_json))
    assert flat(from_toml[0].to_dict()) == pytest.approx(flat(from_json[0].to_dict()))
    assert flat(from_toml[1]) == pytest.approx(flat(from_json[1])) and from_toml[2] == from_json[2]
    with pytest.raises(InputError, match=r"--write-params: '.*out\.json' must end in \.toml"):
        run(["calibrate", str(extract), "--write-params", str(tmp_path / "out.json")])


def test_sensitivity_report_and_scenarios_save_take_the_calibration(calibration_json, tmp_path, capsys):
    text = run(["sensitivity", "--kind", "tornado", "--params", str(calibration_json), "--top", "3"])
    assert "Inputs from client data" in text
    page = tmp_path / "report.html"
    assert main(["report", "--params", str(calibration_json), "--out", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    assert "calibrated from klienci.csv; 2,000 rows" in html
    db = tmp_path / "library.db"
    assert main(["scenarios", "--db", str(db), "save", "Polish client", "--params", str(calibration_json)]) == 0
    shown = run(["scenarios", "--db", str(db), "show", "Polish client"])
    assert "Sources of values:" in shown and "  service_share: calibrated from klienci.csv; 2,000 rows; 95 % interval" in shown
    assert "reasons classed by hand: Zmiana potrzeb = unknown" in shown


def test_a_damaged_calibration_json_is_named(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"rows": 3, "mapping": {}, "estimates": {"churn_rate": {"value": "high"}}}), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        run(["estimate", "--params", str(path)])
    assert str(caught.value) == (
        f"params file {str(path)!r}: estimates.churn_rate must have a numeric 'value', got {{'value': 'high'}}"
    )


HOSTILE = ROOT / "tests" / "hostile"


def test_an_undefined_warning_figure_is_null_in_the_json():
    # One row is left after --drop-invalid and it has no complainer: their churn is undefined (NaN),
    # which JSON cannot hold; it is null, as an undefined estimate is.
    text = run(["calibrate", str(HOSTILE / "calibration_bad_value.csv"), "--drop-invalid", "--format", "json"])
    warnings = {item["code"]: item for item in json.loads(text)["warnings"]}
    assert warnings["complaint_mirrors_churn"]["values"]["complainers"] is None


def test_write_params_leaves_out_an_estimate_the_file_cannot_define(tmp_path):
    # No churn reason of the file is classed, so service_share is undefined (null in the JSON): the
    # scenario file leaves it out (it keeps the preset's value), as it does for NaN.
    source = HOSTILE / "calibration_markdown.csv"
    raw = json.loads(run(["calibrate", str(source), "--format", "json"]))
    assert raw["estimates"]["service_share"]["value"] is None
    out = tmp_path / "markdown.toml"
    run(["calibrate", str(source), "--write-params", str(out)])
    parameters, _, provenance = scenario("--preset", "generic_b2c", "--params", str(out))
    assert parameters.service_share == PRESET.service_share and "service_share" not in provenance
    assert "churn_rate" in provenance
    json_path = tmp_path / "markdown.json"
    json_path.write_text(json.dumps(raw), encoding="utf-8")
    assert scenario("--preset", "generic_b2c", "--params", str(json_path))[2] == provenance

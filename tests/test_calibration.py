"""Calibration from customer data: estimates against hand counts, intervals against the truth, the GLM
against a logistic regression on the raw rows, and every kind of file the issue lists."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import statsmodels.formula.api as smf
from numpy.testing import assert_allclose
from scipy import stats

from estimator import Parameters, estimate
from estimator.analysis.sensitivity import UncertaintyRanges
from estimator.calibration import Calibration, auto_mapping, calibrate, inspect_columns
from estimator.cli import run

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample_customers.csv"
sys.path.insert(0, str(ROOT / "scripts"))
from make_sample_customers import SEED, generate, true_parameters  # noqa: E402


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return pd.read_csv(SAMPLE, dtype={"resolved": "Int64"}, keep_default_na=True)


@pytest.fixture(scope="module")
def result() -> Calibration:
    return calibrate(SAMPLE)


def hand_wilson(successes: int, n: int, z: float = stats.norm.ppf(0.975)) -> tuple[float, float]:
    """Wilson's score interval written out (independent of statsmodels)."""
    p = successes / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return centre - half, centre + half


def test_the_sample_file_is_what_the_script_generates():
    regenerated = generate()
    on_disk = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    assert len(on_disk) == 20_000
    pd.testing.assert_frame_equal(on_disk, regenerated.astype(str).replace({"nan": ""}), check_dtype=False)


def test_estimates_equal_hand_counts_with_wilson_intervals(sample, result):
    s = sample
    complainers = s[s.complained == 1]
    quiet = s[(s.complained == 0) & (s.had_problem == 0)]
    silent = s[(s.complained == 0) & (s.had_problem == 1)]
    churners = s[s.churned == 1]
    service = churners.churn_reason.str.contains("staff|hold|not resolved|impolite")
    expected = {
        "churn_rate": (s.churned.sum(), len(s)),
        "complaint_rate": (len(complainers), len(s)),
        "resolved_share": ((complainers.resolved == 1).sum(), len(complainers)),
        "churn_resolved": (complainers[complainers.resolved == 1].churned.sum(), (complainers.resolved == 1).sum()),
        "churn_unresolved": (complainers[complainers.resolved == 0].churned.sum(), (complainers.resolved == 0).sum()),
        "baseline_churn": (quiet.churned.sum(), len(quiet)),
        "churn_silent": (silent.churned.sum(), len(silent)),
        "service_share": (service.sum(), len(churners)),
    }
    for key, (successes, n) in expected.items():
        # With segments, the estimate applied is the adjusted baseline (MODEL.md v3, tests/test_calibration_v3.py);
        # the crude one is kept beside it.
        item = result.adjustment.baseline_churn_crude if key == "baseline_churn" else result.estimates[key]
        assert item.n == n, key
        assert_allclose(item.value, successes / n, rtol=1e-12, err_msg=key)
        assert_allclose((item.ci_low, item.ci_high), hand_wilson(int(successes), int(n)), rtol=1e-9, err_msg=key)
    assert result.estimates["customers"].value == 20_000
    # MODEL.md's k: silent dissatisfied customers per complainer.
    assert_allclose(result.estimates["silent_ratio"].value, len(silent) / len(complainers), rtol=1e-12)
    values = s.annual_value
    half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / math.sqrt(len(values))
    item = result.estimates["annual_value"]
    assert_allclose(
        [item.value, item.ci_low, item.ci_high], [values.mean(), values.mean() - half, values.mean() + half], rtol=1e-9
    )


def test_segment_estimates_equal_hand_counts(sample, result):
    assert sorted(result.by_segment) == ["consumer", "premium", "small_business"]
    for name, part in sample.groupby("segment"):
        got = result.by_segment[name]
        assert got["customers"].value == len(part)
        assert_allclose(got["churn_rate"].value, part.churned.mean(), rtol=1e-12)
        assert_allclose(got["annual_value"].value, part.annual_value.mean(), rtol=1e-9)
        complainers = part[part.complained == 1]
        assert_allclose(got["churn_unresolved"].value, complainers[complainers.resolved == 0].churned.mean(), rtol=1e-12)


def test_intervals_on_the_sample_cover_the_truth_as_often_as_95_percent_allows(result):
    truth = true_parameters()
    misses = []
    for segment, values in truth.items():
        estimates = result.estimates if segment == "all" else result.by_segment[segment]
        for key, true in values.items():
            item = estimates[key]
            if not item.ci_low <= true <= item.ci_high:
                misses.append((segment, key))
    total = sum(len(v) for v in truth.values())
    # With 40 intervals at 95 %, 7 or more misses has probability below 1.5 %; each miss must be near.
    assert len(misses) <= 6, misses
    for segment, key in misses:
        item = (result.estimates if segment == "all" else result.by_segment[segment])[key]
        width = item.ci_high - item.ci_low
        assert abs(item.value - truth[segment][key]) < 1.5 * width, (segment, key)
    assert total == 40


@pytest.mark.slow
def test_interval_coverage_over_replications_is_close_to_95_percent(tmp_path):
    truth = true_parameters()["all"]
    keys = ("churn_rate", "churn_unresolved", "silent_ratio", "annual_value", "service_share")
    covered = {key: 0 for key in keys}
    replications = 150
    for seed in range(replications):
        path = tmp_path / f"r{seed}.parquet"
        generate(3_000, seed=1000 + seed).to_parquet(path)
        estimates = calibrate(path).estimates
        for key in keys:
            covered[key] += estimates[key].ci_low <= truth[key] <= estimates[key].ci_high
    for key in keys:
        # 150 draws at 95 %: a coverage below 0.89 or of 1.0 happens with probability < 0.5 %.
        assert 0.89 <= covered[key] / replications < 1.0, (key, covered[key])


def test_glm_on_counts_equals_logit_on_raw_rows(sample, result):
    complainers = sample[sample.complained == 1].copy()
    complainers["unresolved"] = (complainers.resolved == 0).astype(int)
    segments = complainers.segment.value_counts().sort_index().sort_values(ascending=False, kind="stable").index.tolist()
    assert result.model.reference_segment == segments[0]
    # Built independently of the module's design matrix: statsmodels' formula with the largest
    # segment as the reference level, so a wrong dummy coding or reference would show.
    complainers["churned"] = complainers.churned.astype(float)
    term = f"C(segment, Treatment(reference={segments[0]!r}))"
    logit = smf.logit(f"churned ~ unresolved + {term}", data=complainers).fit(disp=0)
    names = {"Intercept": "const", "unresolved": "unresolved"}
    names |= {f"{term}[T.{segment}]": f"segment[{segment}]" for segment in segments[1:]}
    expected = logit.params.rename(index=names)
    coefficients = result.model.coefficients.loc[expected.index]
    assert set(result.model.coefficients.index) == set(expected.index)
    assert_allclose(coefficients["coef"].to_numpy(), expected.to_numpy(), atol=1e-6)
    assert_allclose(coefficients["std_error"].to_numpy(), logit.bse.rename(index=names).loc[expected.index], atol=1e-6)
    ci = logit.conf_int().rename(index=names).loc[expected.index]
    assert_allclose(coefficients[["ci_low", "ci_high"]].to_numpy(), ci.to_numpy(), atol=1e-6)
    effect = result.model.effect
    assert_allclose(effect["odds_ratio"], math.exp(logit.params["unresolved"]), rtol=1e-6)
    assert effect["ci_low"] > 0  # unresolved complainers churn more in the generated truth


def test_parameter_values_and_ranges_feed_the_model(result):
    values = result.parameter_values()
    params = Parameters(values)
    assert params.churn_rate == result.estimates["churn_rate"].value
    assert params.customers == 20_000
    ranges = result.uncertainty_ranges()
    assert "customers" not in ranges
    assert ranges["churn_unresolved"] == (
        result.estimates["churn_unresolved"].ci_low,
        result.estimates["churn_unresolved"].ci_high,
    )
    built = UncertaintyRanges.around(params, ranges)
    assert built["silent_ratio"].low == result.estimates["silent_ratio"].ci_low
    assert math.isfinite(estimate(params).total)


def test_to_dict_and_frame_have_the_documented_shape(result):
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert data["rows"] == 20_000
    assert set(data["estimates"]["churn_rate"]) == {"value", "ci_low", "ci_high", "n"}
    assert set(data["by_segment"]) == {"consumer", "premium", "small_business"}
    assert "unresolved" in data["model"]["coefficients"]
    # MODEL.md v3's notes on what the file did not say: the window, the customer base, the currency.
    v3 = {"churn_window_assumed", "customers_from_file", "currency_not_stated"}
    assert {w["code"] for w in data["warnings"]} <= {"small_segment", "wide_interval", *v3}
    assert data["warnings"][0]["code"] == "churn_window_assumed"  # first among the notes
    frame = result.to_frame()
    assert frame.loc[("all", "churn_rate"), "value"] == result.estimates["churn_rate"].value
    assert frame.loc[("premium", "churn_rate"), "n"] == result.by_segment["premium"]["churn_rate"].n


# --- files in other languages, encodings, delimiters and formats ------------------------------------

POLISH = {
    "customer_id": "Numer klienta",
    "churned": "Rezygnacja",
    "complained": "Reklamacja",
    "resolved": "Rozwiązana",
    "annual_value": "Wartość roczna",
    "segment": "Segment",
    "had_problem": "Miał problem",
    "churn_reason": "Powód rezygnacji",
}
GREEK = {
    "customer_id": "Κωδικός πελάτη",
    "churned": "Αποχώρησε",
    "complained": "Παράπονο",
    "resolved": "Επιλύθηκε",
    "annual_value": "Ετήσια αξία",
    "segment": "Κατηγορία",
    "had_problem": "Είχε πρόβλημα",
    "churn_reason": "Λόγος αποχώρησης",
}
HUNGARIAN = {
    "customer_id": "Ügyfélazonosító",
    "churned": "Lemorzsolódott",
    "complained": "Panasz",
    "resolved": "Megoldva",
    "annual_value": "Éves érték",
    "segment": "Szegmens",
    "had_problem": "Probléma volt",
    "churn_reason": "Lemondás oka",
}
WORDS = {"pl": ("tak", "nie"), "el": ("ναι", "όχι"), "hu": ("igen", "nem"), "de": ("ja", "nein")}


def localised(frame: pd.DataFrame, names: dict[str, str], yes: str, no: str, decimal_comma: bool) -> pd.DataFrame:
    out = frame.copy()
    for flag in ("churned", "complained", "had_problem", "resolved"):
        out[flag] = out[flag].astype(str).map({"1": yes, "0": no, "": ""})
    if decimal_comma:
        out["annual_value"] = out["annual_value"].map(lambda v: f"{v:.2f}".replace(".", ","))
    return out.rename(columns=names)


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    return generate(2_000, seed=SEED)


@pytest.fixture(scope="module")
def small_result(small, tmp_path_factory) -> Calibration:
    path = tmp_path_factory.mktemp("plain") / "plain.csv"
    small.to_csv(path, index=False)
    return calibrate(path)


def same_estimates(a: Calibration, b: Calibration) -> None:
    assert a.rows == b.rows
    for key, item in a.estimates.items():
        assert_allclose(
            [item.value, item.ci_low, item.ci_high], [b.estimates[key].value, b.estimates[key].ci_low, b.estimates[key].ci_high]
        )
    assert a.by_segment.keys() == b.by_segment.keys()


@pytest.mark.parametrize(
    ("encoding", "names", "language", "separator"),
    [
        ("utf-8", POLISH, "pl", ";"),
        ("utf-8-sig", HUNGARIAN, "hu", ","),
        ("cp1250", POLISH, "pl", ";"),
        ("iso-8859-2", HUNGARIAN, "hu", ";"),
        ("cp1253", GREEK, "el", ";"),
        ("utf-16", GREEK, "el", ","),
    ],
)
def test_localised_files_in_every_encoding_give_the_same_estimates(
    small, small_result, tmp_path, encoding, names, language, separator
):
    yes, no = WORDS[language]
    frame = localised(small, names, yes, no, decimal_comma=separator == ";")
    path = tmp_path / "extract.csv"
    frame.to_csv(path, index=False, sep=separator, encoding=encoding)
    got = calibrate(path)
    assert got.mapping == {field: names[field] for field in got.mapping}
    same_estimates(got, small_result)


def test_decimal_comma_in_a_comma_separated_file_and_thousands_separators(small, small_result, tmp_path):
    frame = small.copy()
    frame["annual_value"] = frame["annual_value"].map(lambda v: f"{v:,.2f}")  # 1,234.56 (quoted by to_csv)
    path = tmp_path / "thousands.csv"
    frame.to_csv(path, index=False)
    same_estimates(calibrate(path), small_result)
    frame["annual_value"] = small["annual_value"].map(lambda v: f"{v:,.2f}".replace(",", " ").replace(".", ","))  # 1 234,56
    frame.to_csv(path, index=False, sep=";")
    same_estimates(calibrate(path), small_result)


def test_xlsx_and_parquet_give_the_same_estimates(small, small_result, tmp_path):
    small.to_excel(tmp_path / "extract.xlsx", index=False)
    same_estimates(calibrate(tmp_path / "extract.xlsx"), small_result)
    typed = small.assign(churned=small.churned.astype(bool), resolved=pd.to_numeric(small.resolved).astype("Int64"))
    typed.to_parquet(tmp_path / "extract.parquet")
    same_estimates(calibrate(tmp_path / "extract.parquet"), small_result)


def test_explicit_mapping_overrides_names(small, small_result, tmp_path):
    frame = small.rename(columns={"churned": "gone_2024", "complained": "ticket"})
    path = tmp_path / "odd.csv"
    frame.to_csv(path, index=False)
    plan = inspect_columns(path)
    # Only churned is required (issue 11); a missing complained column is optional and said so.
    assert plan.missing == ["churned"] and plan.absent[:1] == ["complained"] and "gone_2024" in plan.unmapped
    same_estimates(calibrate(path, {"gone_2024": "churned", "ticket": "complained"}), small_result)


def test_synonyms_map_without_help():
    plan = auto_mapping(["Kundennummer", "Gekündigt", "Beschwerde", "Gelöst", "Jahreswert", "Klantsegment", "reden"])
    assert plan.mapping == {
        "customer_id": "Kundennummer",
        "churned": "Gekündigt",
        "complained": "Beschwerde",
        "resolved": "Gelöst",
        "annual_value": "Jahreswert",
        "segment": "Klantsegment",
        "churn_reason": "reden",
    }
    assert plan.missing == []


def test_without_a_problem_flag_baseline_is_flagged_as_biased_upward(small, small_result, tmp_path):
    path = tmp_path / "no_flag.csv"
    small.drop(columns=["had_problem"]).to_csv(path, index=False)
    got = calibrate(path)
    assert "baseline_biased" in {w.code for w in got.warnings}
    assert "churn_silent" not in got.estimates and "silent_ratio" not in got.estimates
    quiet = small[small.complained == 0]
    # The crude rate; the one applied is adjusted for segment mix (tests/test_calibration_v3.py).
    assert_allclose(got.adjustment.baseline_churn_crude.value, quiet.churned.mean())
    assert got.adjustment.baseline_churn_crude.value > small_result.adjustment.baseline_churn_crude.value


def test_cli_json_and_table(tmp_path):
    data = json.loads(run(["calibrate", str(SAMPLE), "--format", "json"]))
    assert set(data) == {
        "file",
        "engine",
        "rows",
        "mapping",
        "estimates",
        "by_segment",
        "model",
        "warnings",
        "figures",
        "reasons",
        "reason_overrides",
        # MODEL.md v3
        "churn_window_months",
        "churn_window_assumed",
        "customers_at_risk",
        "customers_stated",
        "currency",
        "baseline_churn_crude",
        "baseline_churn_adjusted",
        "complainer_churn_crude",
        "complainer_churn_adjusted",
        "attributable_share",
        "risk_ratio",
        "evalue",
        "evalue_bound",
        "segments_pooled",
        "adjusted_by",
        "complaint_mirrors_churn",
        "kaplan_meier_12m",
        "tenure_column",
        "entrants",
        "dropped_rows",
        "dropped",
        "complaint_threshold",
        "complaint_counts",
    }
    table = run(["calibrate", str(SAMPLE)])
    assert "churn_unresolved" in table and "odds ratio" in table


def test_cli_bad_file_exits_2_with_one_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("customer_id,churned,complained\n1,yes,maybe\n2,no,no\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "estimator", "calibrate", str(path)], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "complained" in lines[0] and "'maybe'" in lines[0] and "Traceback" not in done.stderr

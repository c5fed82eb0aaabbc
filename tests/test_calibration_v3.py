"""MODEL.md v3, calibration: the churn window, the adjusted baseline, the E-value, a complaint flag that
mirrors churn, evidence over defaults, where each input came from, and the scale of a preset.

Every figure is checked against a value worked out by hand or an independent pandas computation on
extracts written here: a quarterly file, a file whose complaint flag mirrors churn, a file whose
complainers differ by segment mix, and a 2,400-customer file applied onto a preset.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from estimator.calibration import CalibrationError, calibrate
from estimator.calibration.adjustment import evalue, evalue_bound, reconcile_complainer_churn, risk_ratio, standardise
from estimator.calibration.sentence import cfo_sentence
from estimator.calibration.statistics import Interval
from estimator.calibration.window import annualise
from estimator.cli import main

ROOT = Path(__file__).resolve().parents[1]
Z = 1.959963984540054


def run(capsys, *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def hand_wilson(successes: int, n: int) -> tuple[float, float]:
    """Wilson's score interval written out (independent of statsmodels)."""
    p = successes / n
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z / (1 + Z**2 / n) * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    return centre - half, centre + half


# --- extracts -------------------------------------------------------------------------------------


def quarterly_extract(rows: int = 2400, churned: int = 636, seed: int = 3) -> pd.DataFrame:
    """A telecom file whose status is 'at the end of the quarter': 636 of 2,400 = 26.5 % churned in the quarter."""
    rng = np.random.default_rng(seed)
    flags = np.zeros(rows, dtype=int)
    flags[rng.choice(rows, churned, replace=False)] = 1
    return pd.DataFrame(
        {
            "customerID": [f"T{i:05d}" for i in range(rows)],
            "Churn": np.where(flags == 1, "Yes", "No"),
            "Complained": rng.integers(0, 2, rows),
            "Monthly Charges": np.round(rng.uniform(20, 110, rows), 2),
        }
    )


def mirror_extract(seed: int = 5) -> pd.DataFrame:
    """A bank file whose complaint flag was recorded at exit: complainers churn 99.5 %, others 0.05 %."""
    complainers = pd.DataFrame({"Exited": [1] * 995 + [0] * 5, "Complain": 1})
    others = pd.DataFrame({"Exited": [1] * 5 + [0] * 9995, "Complain": 0})
    frame = pd.concat([complainers, others], ignore_index=True).sample(frac=1, random_state=seed).reset_index(drop=True)
    frame.insert(0, "CustomerId", range(15_000_000, 15_000_000 + len(frame)))
    return frame


def segment_mix_extract(seed: int = 7) -> pd.DataFrame:
    """Complainers concentrated in a high-churn segment: monthly contracts churn more and complain more.

    Month-to-month: 1,000 customers, 40 % complain; two-year: 3,000 customers, 5 % complain. Within each
    segment complainers churn 1.5x the others, so the crude gap overstates what complaining adds.
    """
    rng = np.random.default_rng(seed)
    parts = []
    for segment, size, complain, base in (("Month-to-month", 1000, 0.40, 0.30), ("Two year", 3000, 0.05, 0.04)):
        complained = rng.random(size) < complain
        churn = np.where(complained, base * 1.5, base)
        parts.append(
            pd.DataFrame(
                {"Contract": segment, "complained": complained.astype(int), "churned": (rng.random(size) < churn).astype(int)}
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    frame.insert(0, "customer_id", range(len(frame)))
    frame["annual_value"] = 700.0
    return frame


def ecommerce_extract(seed: int = 9) -> pd.DataFrame:
    """An e-commerce file with no resolved column: complainers churn 31.7 % (317 of 1,000)."""
    complainers = pd.DataFrame({"complained": 1, "churned": [1] * 317 + [0] * 683})
    others = pd.DataFrame({"complained": 0, "churned": [1] * 900 + [0] * 8100})
    frame = pd.concat([complainers, others], ignore_index=True).sample(frac=1, random_state=seed).reset_index(drop=True)
    frame.insert(0, "customer_id", range(len(frame)))
    return frame


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("v3")
    out = {}
    for name, frame in {
        "quarterly": quarterly_extract(),
        "mirror": mirror_extract(),
        "segments": segment_mix_extract(),
        "ecommerce": ecommerce_extract(),
    }.items():
        out[name] = folder / f"{name}.csv"
        frame.to_csv(out[name], index=False)
    return out


# --- the churn window -----------------------------------------------------------------------------


def test_annualise_by_hand():
    # A quarter's 26.5 % held for a year: 1 - 0.735^4 = 1 - 0.29184... = 0.70816.
    assert_allclose(annualise(0.265, 3), 1 - 0.735**4, rtol=1e-12)
    assert_allclose(annualise(0.265, 3), 0.708157, atol=1e-6)
    # Half a year's 10 %: 1 - 0.9^2 = 0.19; two years' 36 %: 1 - 0.64^0.5 = 0.2.
    assert_allclose(annualise(0.10, 6), 0.19, rtol=1e-12)
    assert_allclose(annualise(0.36, 24), 0.2, rtol=1e-12)
    assert annualise(0.3, 12) == 0.3 and annualise(1.0, 3) == 1.0 and annualise(0.0, 3) == 0.0


def test_a_quarterly_file_gives_a_yearly_rate_and_its_interval_transformed(files):
    frame = pd.read_csv(files["quarterly"])
    p = (frame["Churn"] == "Yes").mean()
    assert p == 0.265
    result = calibrate(files["quarterly"], churn_window=3)
    item = result.estimates["churn_rate"]
    low, high = hand_wilson(int((frame["Churn"] == "Yes").sum()), len(frame))
    assert_allclose(item.value, 1 - (1 - p) ** 4, rtol=1e-12)
    assert_allclose((item.ci_low, item.ci_high), (1 - (1 - low) ** 4, 1 - (1 - high) ** 4), rtol=1e-9)
    assert result.adjustment.churn_window_months == 3 and not result.adjustment.churn_window_assumed
    assert "churn_window_assumed" not in {w.code for w in result.warnings}
    data = result.to_dict()
    assert data["churn_window_months"] == 3


def test_without_a_window_twelve_months_are_assumed_and_said_first(files):
    result = calibrate(files["quarterly"])
    assert result.warnings[0].code == "churn_window_assumed"
    assert_allclose(result.estimates["churn_rate"].value, 0.265, rtol=1e-12)  # taken as yearly, and said so
    assert result.to_dict()["churn_window_assumed"] is True


@pytest.mark.parametrize("bad", ["0", "-3", "abc", "nan", "121"])
def test_a_bad_window_is_refused_naming_the_value(files, bad):
    with pytest.raises(CalibrationError) as caught:
        calibrate(files["quarterly"], churn_window=bad)
    assert caught.value.code == "bad_churn_window" and f"'{bad}'" in str(caught.value) and "--churn-window" in str(caught.value)


def test_cli_window_customers_and_currency(files, capsys):
    data = json.loads(
        run(
            capsys,
            "calibrate",
            str(files["quarterly"]),
            "--churn-window",
            "3",
            "--customers",
            "48000",
            "--currency",
            "usd",
            "--format",
            "json",
        )
    )
    assert_allclose(data["estimates"]["churn_rate"]["value"], 1 - 0.735**4, rtol=1e-12)
    assert data["estimates"]["customers"]["value"] == 48_000 and data["customers_stated"] == 48_000
    assert data["customers_at_risk"] == 2400 and data["currency"] == "USD"
    codes = [w["code"] for w in data["warnings"]]
    assert "customers_from_file" not in codes and "currency_not_stated" not in codes
    for argv, word in (
        (["--customers", "-5"], "--customers"),
        (["--currency", "ZZZ"], "--currency"),
        (["--churn-window", "x"], "--churn-window"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "estimator", "calibrate", str(files["quarterly"]), *argv],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        assert done.returncode == 2 and done.stderr.count("\n") == 1 and word in done.stderr and "Traceback" not in done.stderr


# --- the adjusted baseline -------------------------------------------------------------------------


def pandas_standardised(frame: pd.DataFrame, who: pd.Series, segment: str = "Contract") -> tuple[float, float]:
    """Σ_s (N_s/N)·c_s and its variance Σ_s (N_s/N)²·c_s(1-c_s)/n_s, written with pandas groupby."""
    weights = frame.groupby(segment).size() / len(frame)
    rates = frame[who].groupby(segment)["churned"].mean()
    sizes = frame[who].groupby(segment).size()
    return float((weights * rates).sum()), float((weights**2 * rates * (1 - rates) / sizes).sum())


def test_the_adjusted_baseline_is_the_direct_standardisation_computed_by_pandas(files):
    frame = pd.read_csv(files["segments"])
    result = calibrate(files["segments"], {"Contract": "segment"})
    a = result.adjustment
    c0, var0 = pandas_standardised(frame, frame.complained == 0)
    c1, var1 = pandas_standardised(frame, frame.complained == 1)
    assert_allclose(a.baseline_churn_adjusted.value, c0, rtol=1e-12)
    assert_allclose(a.complainer_churn_adjusted.value, c1, rtol=1e-12)
    assert_allclose(
        (a.baseline_churn_adjusted.ci_low, a.baseline_churn_adjusted.ci_high), (c0 - Z * var0**0.5, c0 + Z * var0**0.5), rtol=1e-9
    )
    # The crude rates beside them, and the bottom-up count uses the adjusted one.
    assert_allclose(a.baseline_churn_crude.value, frame[frame.complained == 0].churned.mean(), rtol=1e-12)
    assert_allclose(a.complainer_churn_crude.value, frame[frame.complained == 1].churned.mean(), rtol=1e-12)
    assert result.estimates["baseline_churn"] == a.baseline_churn_adjusted
    # Complainers sit in the high-churn segment: the crude gap overstates, the adjusted one is near 1.5x.
    crude_ratio = a.complainer_churn_crude.value / a.baseline_churn_crude.value
    assert crude_ratio > 3 and 1.2 < a.risk_ratio.value < 2.0
    # Attributable share 1 - c0_adj / c, with c the churn of everyone.
    assert_allclose(a.attributable_share.value, 1 - c0 / frame.churned.mean(), rtol=1e-12)
    # Risk ratio's interval by the delta method on log RR, and its E-values (VanderWeele & Ding 2017).
    rr = c1 / c0
    se = math.sqrt(var1 / c1**2 + var0 / c0**2)
    assert_allclose(
        (a.risk_ratio.value, a.risk_ratio.ci_low, a.risk_ratio.ci_high),
        (rr, rr * math.exp(-Z * se), rr * math.exp(Z * se)),
        rtol=1e-9,
    )
    assert_allclose(a.evalue, rr + math.sqrt(rr * (rr - 1)), rtol=1e-12)
    low = rr * math.exp(-Z * se)
    assert_allclose(a.evalue_bound, 1.0 if low <= 1 else low + math.sqrt(low * (low - 1)), rtol=1e-9)
    data = result.to_dict()
    assert {"baseline_churn_adjusted", "complainer_churn_adjusted", "evalue", "evalue_bound"} <= set(data)
    assert data["adjusted_by"] == "Contract"


def test_evalue_by_hand():
    # RR 2: 2 + sqrt(2) = 3.4142; RR 0.5 is RR 2 the other way; RR 3.9: 3.9 + sqrt(11.31) = 3.9 + 3.363034 = 7.263034.
    assert_allclose(evalue(2.0), 2 + math.sqrt(2), rtol=1e-12)
    assert_allclose(evalue(0.5), 2 + math.sqrt(2), rtol=1e-12)
    assert_allclose(evalue(3.9), 7.263034, atol=1e-6)
    assert evalue(1.0) == 1.0
    # The bound nearer to 1: the lower one above 1, the upper one below 1, and 1 when the interval crosses it.
    assert_allclose(evalue_bound(Interval(3.0, 2.0, 4.5, 0)), 2 + math.sqrt(2), rtol=1e-12)
    assert_allclose(evalue_bound(Interval(0.3, 0.2, 0.5, 0)), 2 + math.sqrt(2), rtol=1e-12)
    assert evalue_bound(Interval(1.2, 0.9, 1.6, 0)) == 1.0
    # The delta-method interval of a risk ratio: c1 = 0.2 (var 0.0004), c0 = 0.1 (var 0.0001).
    ratio = risk_ratio(0.2, 0.0004, 0.1, 0.0001)
    se = math.sqrt(0.0004 / 0.04 + 0.0001 / 0.01)
    assert_allclose((ratio.value, ratio.ci_low, ratio.ci_high), (2.0, 2 * math.exp(-Z * se), 2 * math.exp(Z * se)), rtol=1e-12)


def _groups(sizes: list[int], rate_den: int, rate_num: int, churn_quiet: list[int], churn_complainers: list[int]) -> pd.DataFrame:
    """Group counts of segments whose complaint rate is the same everywhere (rate_num / rate_den)."""
    rows = []
    for i, size in enumerate(sizes):
        n = size * rate_den
        complainers, quiet = size * rate_num, n - size * rate_num
        churn0, churn1 = min(churn_quiet[i], quiet), min(churn_complainers[i], complainers)
        for complained, total, churned in ((0, quiet, churn0), (1, complainers, churn1)):
            rows.append({"segment": f"s{i}", "complained": complained, "churned": 1, "had_problem": np.nan, "n": churned})
            rows.append({"segment": f"s{i}", "complained": complained, "churned": 0, "had_problem": np.nan, "n": total - churned})
    frame = pd.DataFrame(rows)
    return frame[frame["n"] > 0].reset_index(drop=True)


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 40), min_size=2, max_size=5),
    rate=st.tuples(st.integers(2, 10), st.integers(1, 9)).filter(lambda t: t[1] < t[0]),
    data=st.data(),
)
def test_adjusted_baseline_equals_the_crude_one_when_complaint_rates_do_not_differ_by_segment(sizes, rate, data):
    den, num = rate
    quiet = [data.draw(st.integers(0, size * (den - num))) for size in sizes]
    loud = [data.draw(st.integers(0, size * num)) for size in sizes]
    groups = _groups(sizes, den, num, quiet, loud)
    mapping = {"churned": "c", "complained": "k", "segment": "s"}
    adjusted = standardise(groups, mapping, "baseline").interval.value
    crude_n = groups.loc[groups.complained == 0, "n"].sum()
    crude = groups.loc[(groups.complained == 0) & (groups.churned == 1), "n"].sum() / crude_n
    assert math.isclose(adjusted, crude, rel_tol=1e-12, abs_tol=1e-15)
    adjusted1 = standardise(groups, mapping, "complainers").interval.value
    crude1 = (
        groups.loc[(groups.complained == 1) & (groups.churned == 1), "n"].sum() / groups.loc[groups.complained == 1, "n"].sum()
    )
    assert math.isclose(adjusted1, crude1, rel_tol=1e-12, abs_tol=1e-15)


def test_a_segment_without_non_complainers_is_named_and_pooled(tmp_path):
    frame = segment_mix_extract()
    extra = pd.DataFrame(
        {"customer_id": range(10_000, 10_020), "Contract": "Escalations", "complained": 1, "churned": [1, 0] * 10}
    )
    extra["annual_value"] = 700.0
    path = tmp_path / "pooled.csv"
    pd.concat([frame, extra]).to_csv(path, index=False)
    result = calibrate(path, {"Contract": "segment"})
    assert result.adjustment.segments_pooled == ["Escalations"]
    note = next(w for w in result.warnings if w.code == "segments_pooled")
    assert "Escalations" in note.message
    # The pooled segment takes the crude baseline with its weight: Σ over the others + w_pooled · crude.
    full = pd.read_csv(path)
    weights = full.groupby("Contract").size() / len(full)
    quiet = full[full.complained == 0]
    rates = quiet.groupby("Contract").churned.mean().reindex(weights.index).fillna(quiet.churned.mean())
    assert_allclose(result.adjustment.baseline_churn_adjusted.value, float((weights * rates).sum()), rtol=1e-12)


# --- a complaint flag that mirrors churn -----------------------------------------------------------


def test_a_complaint_flag_that_mirrors_churn_is_flagged_first(files):
    result = calibrate(files["mirror"])
    codes = [w.code for w in result.warnings]
    assert "complaint_mirrors_churn" in codes and codes.index("complaint_mirrors_churn") == 1  # after the window note
    note = result.warnings[1]
    frame = pd.read_csv(files["mirror"])
    assert_allclose(note.values["complainers"], frame[frame.Complain == 1].Exited.mean())  # 99.5 %
    assert_allclose(note.values["others"], frame[frame.Complain == 0].Exited.mean())  # 0.05 %
    assert_allclose(note.values["agreement"], (frame.Complain == frame.Exited).mean())
    assert "99.5%" in note.message and "0.050%" in note.message and "upper bound" in note.message
    assert result.to_dict()["complaint_mirrors_churn"] is True


def test_flags_that_agree_on_98_percent_of_rows_mirror_and_others_do_not(tmp_path, files):
    # 98 of every 100 rows agree, though complainers churn only 90 %: the second rule fires.
    frame = pd.DataFrame({"churned": [1] * 90 + [0] * 10 + [0] * 890 + [1] * 10, "complained": [1] * 100 + [0] * 900})
    assert (frame.churned == frame.complained).mean() == 0.98
    path = tmp_path / "agree.csv"
    frame.to_csv(path, index=False)
    assert calibrate(path).adjustment.complaint_mirrors_churn
    assert not calibrate(files["segments"], {"Contract": "segment"}).adjustment.complaint_mirrors_churn


# --- evidence over defaults ------------------------------------------------------------------------


def test_reconcile_complainer_churn_by_hand():
    # The e-commerce case: the preset's h 0.67, cr 0.15, cu 0.40 give 23.25 %; the file measures 31.7 %.
    measured = Interval(0.317, 0.289, 0.347, 1000)
    changed, note = reconcile_complainer_churn(
        {"resolved_share": 0.67, "churn_resolved": 0.15, "churn_unresolved": 0.40}, measured
    )
    factor = 0.317 / 0.2325
    assert_allclose((changed["churn_resolved"], changed["churn_unresolved"]), (0.15 * factor, 0.40 * factor), rtol=1e-12)
    assert_allclose(0.67 * changed["churn_resolved"] + 0.33 * changed["churn_unresolved"], 0.317, rtol=1e-12)
    assert note.code == "complainer_churn_conflict" and note.message_id == "complainer_churn_conflict"
    assert "23.2%" in note.message and "31.7%" in note.message and "resolved_share 67.0% kept" in note.message
    # Inside the interval: nothing changes.
    assert reconcile_complainer_churn({"resolved_share": 0.67, "churn_resolved": 0.2, "churn_unresolved": 0.5}, measured) == (
        {},
        None,
    )
    # Capped at 1: 0.9 / 0.2325 = 3.87, so cu 0.40 -> 1.0 (not 1.55) and the note says the cap binds.
    changed, note = reconcile_complainer_churn(
        {"resolved_share": 0.67, "churn_resolved": 0.15, "churn_unresolved": 0.40}, Interval(0.9, 0.88, 0.92, 1000)
    )
    assert changed["churn_unresolved"] == 1.0
    assert_allclose(changed["churn_resolved"], 0.15 * 0.9 / 0.2325, rtol=1e-12)
    assert note.message_id == "complainer_churn_conflict_capped" and note.code == "complainer_churn_conflict"


def test_estimate_on_a_calibration_without_resolved_rescales_cr_and_cu(files, tmp_path, capsys):
    calibration = tmp_path / "ecommerce.json"
    calibration.write_text(run(capsys, "calibrate", str(files["ecommerce"]), "--format", "json"))
    data = json.loads(run(capsys, "estimate", "--preset", "generic_b2c", "--params", str(calibration), "--format", "json"))
    h, cr, cu = (data["inputs"][k] for k in ("resolved_share", "churn_resolved", "churn_unresolved"))
    assert_allclose(h * cr + (1 - h) * cu, 0.317, rtol=1e-12)
    assert [note["code"] for note in data["notes"]] == ["complainer_churn_conflict"]
    table = run(capsys, "estimate", "--preset", "generic_b2c", "--params", str(calibration))
    assert "complainers' churn at 31.7%" in table
    # Warnings come before the figures.
    assert table.index("Warnings:") < table.index("Revenue lost to poor service")


# --- where each input came from, currency, the preset's scale --------------------------------------


def test_a_2400_customer_file_scales_the_presets_prospect_contacts(files, tmp_path, capsys):
    calibration = tmp_path / "quarterly.json"
    calibration.write_text(run(capsys, "calibrate", str(files["quarterly"]), "--churn-window", "3", "--format", "json"))
    data = json.loads(run(capsys, "estimate", "--preset", "generic_b2c", "--params", str(calibration), "--format", "json"))
    assert data["inputs"]["customers"] == 2400
    assert_allclose(data["inputs"]["prospect_contacts"], 20_000 * 2400 / 100_000)  # 480
    assert data["scaled_inputs"]["prospect_contacts"]["note"] == "scaled with customers: 480 = 20,000 × 2,400 / 100,000"
    sources = data["input_sources"]
    assert sources["customers"] == "file" and sources["churn_rate"] == "file" and sources["annual_value"] == "file"
    assert sources["prospect_contacts"] == "default" and sources["service_share"] == "default"
    assert set(sources.values()) <= {"file", "entered", "preset", "default"} and len(sources) == 28
    # Entered by hand, a volume is never scaled.
    kept = json.loads(
        run(capsys, "estimate", "--params", str(calibration), "--set", "prospect_contacts=20000", "--format", "json")
    )
    assert kept["inputs"]["prospect_contacts"] == 20_000 and kept["scaled_inputs"] == {}
    assert kept["input_sources"]["prospect_contacts"] == "entered"
    # The missed-contacts channel is M·a·v·V: 20,000 contacts before, 480 after (MODEL.md's formula by hand).
    value = data["inputs"]["annual_value"]
    assert_allclose(kept["revenue_lost"]["missed_contacts"], 20_000 * 0.10 * 0.20 * value, rtol=1e-12)
    assert_allclose(data["revenue_lost"]["missed_contacts"], 480 * 0.10 * 0.20 * value, rtol=1e-12)
    assert kept["share_of_revenue"] > 0.5 and kept["warning_codes"][0] == "loss_share_high"
    assert data["share_of_revenue"] < 0.35 and "loss_share_high" not in data["warning_codes"]
    table = run(capsys, "estimate", "--params", str(calibration))
    assert "scaled with customers: 480 = 20,000 × 2,400 / 100,000" in table
    assert "2,400 customers (file)" in table and "currency not stated" in table.splitlines()[0]


def test_a_stated_currency_labels_the_figures(files, tmp_path, capsys):
    calibration = tmp_path / "usd.json"
    calibration.write_text(run(capsys, "calibrate", str(files["quarterly"]), "--currency", "USD", "--format", "json"))
    table = run(capsys, "estimate", "--params", str(calibration))
    assert "USD a year (file)" in table.splitlines()[0]
    assert json.loads(run(capsys, "estimate", "--params", str(calibration), "--format", "json"))["inputs"]["currency"] == "USD"


def test_the_cfo_sentence_is_in_every_language_and_quotes_the_figures(files):
    data = calibrate(files["segments"], {"Contract": "segment"}, churn_window=6).to_dict()
    sentences = {language: cfo_sentence(data, language) for language in ("en", "pl", "hu", "nl", "el")}
    assert len(set(sentences.values())) == 5
    english = sentences["en"]
    assert english.startswith("Churn was measured over 6 months and annualised at a constant hazard")
    assert "4,000 customers were at risk" in english and "Contract mix" in english
    assert f"{data['evalue']:.2f}" in english and f"{data['baseline_churn_adjusted']['value']:.1%}" in english
    assert "{" not in "".join(sentences.values())


# --- beyond the spec: Kaplan–Meier 12-month churn from a tenure column ----------------------------


def tenure_extract(seed: int = 21) -> pd.DataFrame:
    """A base whose leavers are long-tenured: 1,600 of 4,000 customers at 2-3 years left in the window, and
    only 50 of 1,000 in their first year. The window's rate (1,650 / 5,000 = 33 %) is no first-year churn."""
    rng = np.random.default_rng(seed)
    old = pd.DataFrame({"churned": [1] * 1600 + [0] * 2400, "Tenure Months": rng.integers(25, 37, 4000).astype(float)})
    new = pd.DataFrame({"churned": [1] * 50 + [0] * 950, "Tenure Months": rng.integers(1, 13, 1000).astype(float)})
    frame = pd.concat([old, new], ignore_index=True).sample(frac=1, random_state=seed).reset_index(drop=True)
    frame.insert(0, "customer_id", range(len(frame)))
    frame.loc[:4, "Tenure Months"] = np.nan  # five blanks: counted and left out
    return frame


def test_kaplan_meier_equals_statsmodels_on_the_raw_rows(tmp_path):
    from statsmodels.duration.survfunc import SurvfuncRight

    frame = tenure_extract()
    path = tmp_path / "tenure.csv"
    frame.to_csv(path, index=False)
    result = calibrate(path, tenure="Tenure Months")
    km = result.adjustment.kaplan_meier_12m
    usable = frame.dropna(subset=["Tenure Months"])
    fit = SurvfuncRight(usable["Tenure Months"].to_numpy(), usable["churned"].to_numpy())
    at = np.searchsorted(fit.surv_times, 12.0, side="right") - 1
    s, se = fit.surv_prob[at], fit.surv_prob_se[at]
    assert_allclose(km.value, 1 - s, rtol=1e-12)
    theta = se / (s * abs(math.log(s)))  # Greenwood's se of S on the log(-log) scale
    assert_allclose((km.ci_low, km.ci_high), (1 - s ** math.exp(-Z * theta), 1 - s ** math.exp(Z * theta)), rtol=1e-9)
    assert km.n == len(usable)
    codes = [w.code for w in result.warnings]
    assert "tenure_missing" in codes and next(w for w in result.warnings if w.code == "tenure_missing").values["count"] == 5
    # The snapshot's churn (everyone ever lost) is far from a year's churn by tenure: said so.
    assert "kaplan_meier_disagrees" in codes
    assert result.to_dict()["kaplan_meier_12m"]["value"] == km.value


def test_kaplan_meier_by_hand():
    from estimator.calibration.survival import kaplan_meier

    # 10 customers: 2 leave at month 1, 1 censored at 2, 1 leaves at 3, 6 censored at 24.
    counts = pd.DataFrame({"tenure": [1.0, 2.0, 3.0, 24.0], "churned": [1, 0, 1, 0], "n": [2, 1, 1, 6]})
    km = kaplan_meier(counts)
    survival = (1 - 2 / 10) * (1 - 1 / 7)  # 0.8 x 6/7 = 0.685714
    assert_allclose(km.value, 1 - survival, rtol=1e-12)
    greenwood = 2 / (10 * 8) + 1 / (7 * 6)
    se = math.sqrt(greenwood) / abs(math.log(survival))
    assert_allclose(km.ci_low, 1 - survival ** math.exp(-Z * se), rtol=1e-12)


def test_an_unknown_tenure_column_is_named(files):
    with pytest.raises(CalibrationError) as caught:
        calibrate(files["quarterly"], tenure="Tenure")
    assert "--tenure" in str(caught.value) and "'Tenure'" in str(caught.value) and "customerID" in str(caught.value)


def test_rows_coded_as_entrants_leave_every_denominator():
    """The plug-in for entrants (MODEL.md v3 §2, built in the aggregation by issue 22): a churn code other
    than 0/1 is not at risk, so the standardised rates and the customers at risk ignore those rows."""
    from estimator.calibration.adjustment import at_risk

    base = _groups([10, 20], 4, 1, [5, 9], [4, 7])
    entrants = pd.DataFrame(
        {"segment": ["s0", "s1"], "complained": [0, 0], "churned": [2.0, 2.0], "had_problem": [np.nan] * 2, "n": [500, 7]}
    )
    mapping = {"churned": "c", "complained": "k", "segment": "s"}
    with_entrants = pd.concat([base, entrants], ignore_index=True)
    assert int(at_risk(with_entrants)["n"].sum()) == int(base["n"].sum())
    expected = standardise(base, mapping, "baseline").interval
    assert standardise(at_risk(with_entrants), mapping, "baseline").interval == expected


def test_a_three_valued_status_window_and_adjustment_rest_on_the_customers_at_risk(tmp_path):
    """Entrants (issue 22) leave every denominator: the yearly rate, the customers at risk and the sentence."""
    rng = np.random.default_rng(1)
    rows = 3000
    status = rng.choice(["Churned", "Stayed", "Joined"], rows, p=[0.2, 0.65, 0.15])
    frame = pd.DataFrame(
        {
            "customer_id": range(rows),
            "Customer Status": status,
            "complained": rng.integers(0, 2, rows),
            "Contract": rng.choice(["A", "B"], rows),
            "annual_value": 600,
        }
    )
    path = tmp_path / "three.csv"
    frame.to_csv(path, index=False)
    data = calibrate(path, {"Contract": "segment"}, churn_window=6).to_dict()
    risk = frame[frame["Customer Status"] != "Joined"]
    p = (risk["Customer Status"] == "Churned").mean()
    assert data["entrants"] == (frame["Customer Status"] == "Joined").sum()
    assert data["customers_at_risk"] == len(risk) == data["estimates"]["customers"]["value"]
    assert_allclose(data["estimates"]["churn_rate"]["value"], 1 - (1 - p) ** 2, rtol=1e-12)
    quiet = risk[risk.complained == 0]
    weights = risk.groupby("Contract").size() / len(risk)
    c0 = float((weights * quiet.groupby("Contract")["Customer Status"].apply(lambda s: (s == "Churned").mean())).sum())
    assert_allclose(data["baseline_churn_adjusted"]["value"], 1 - (1 - c0) ** 2, rtol=1e-12)
    assert f"({data['entrants']:,} who joined during the window were left out)" in cfo_sentence(data)


def test_reasons_classed_again_keep_the_window_and_the_adjustment():
    from estimator.calibration import reclassify
    from estimator.paths import data_dir

    first = calibrate(data_dir() / "sample_customers.csv", churn_window=3, currency="PLN")
    again = reclassify(first, {"Moved away": "service"})
    assert again.estimates["churn_rate"] == first.estimates["churn_rate"]
    assert again.adjustment == first.adjustment and again.adjustment.churn_window_months == 3
    assert again.warnings[0].code != "churn_window_assumed" and again.to_dict()["currency"] == "PLN"

"""Untidy extracts a consultant brings, tried end to end (QA round after issues 21-24): amounts written
with their currency, a value column whose name says "per month" in German or Polish, against an
independent pandas computation on the same rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from estimator.calibration import calibrate


def extract(rows: int = 400, seed: int = 3) -> pd.DataFrame:
    """A plain customer extract with a monthly value per customer (two decimals)."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:04d}" for i in range(rows)],
            "churned": rng.integers(0, 2, rows),
            "complained": rng.integers(0, 2, rows),
            "monthly": rng.gamma(2.0, 15.0, rows).round(2),
        }
    )


@pytest.mark.parametrize(
    "written",
    [
        lambda v: f"{v:.2f}".replace(".", ",") + " zł",  # 19,60 zł
        lambda v: f"{v:.2f}".replace(".", ",") + " EUR",  # 19,60 EUR
        lambda v: "PLN " + f"{v:.2f}".replace(".", ","),  # PLN 19,60
        lambda v: "€" + f"{v:,.2f}",  # €1,234.50
        lambda v: f"{v:.2f}\u00a0Ft",  # 19.60 Ft (no-break space)
    ],
    ids=["zl-suffix", "eur-suffix", "pln-prefix", "euro-sign", "forint"],
)
def test_amounts_written_with_their_currency_are_read_as_numbers(written, tmp_path):
    frame = extract()
    truth = float(frame["monthly"].mean() * 12)
    frame["value"] = frame.pop("monthly").map(written)
    path = tmp_path / "extract.csv"
    frame.to_csv(path, index=False, sep=";", encoding="utf-8")
    got = calibrate(path, mapping={"value": "annual_value"}, value_period="monthly")
    assert got.estimates["annual_value"].n == len(frame)
    assert got.estimates["annual_value"].value == pytest.approx(truth, rel=1e-9)


@pytest.mark.parametrize(
    "header",
    ["Umsatz/Monat", "Umsatz pro Monat (EUR)", "Opłata / mies.", "Wartość mies. (zł)", "Miesięczna opłata", "Omzet per maand"],
)
def test_a_value_column_named_per_month_in_another_language_is_found_and_annualised(header, tmp_path):
    frame = extract()
    truth = float(frame["monthly"].mean() * 12)
    frame = frame.rename(columns={"monthly": header})
    path = tmp_path / "extract.csv"
    frame.to_csv(path, index=False, sep=";", encoding="cp1250" if "ł" in header or "ś" in header else "utf-8")
    got = calibrate(path)
    assert got.mapping.get("annual_value") == header
    assert got.estimates["annual_value"].value == pytest.approx(truth, rel=1e-9)


def test_tenure_in_months_is_not_taken_for_a_monthly_value(tmp_path):
    frame = extract().rename(columns={"monthly": "Laufzeit Monate"})
    frame["Laufzeit Monate"] = frame["Laufzeit Monate"].round().astype(int)
    path = tmp_path / "extract.csv"
    frame.to_csv(path, index=False)
    assert "annual_value" not in calibrate(path).mapping


@pytest.mark.parametrize("route", ["json", "write-params"])
def test_a_calibration_read_back_says_its_values_come_from_the_file_and_a_stated_base_was_entered(route, tmp_path):
    """`calibrate --customers N` then `estimate --params`: the file's estimates are labelled `file` (as the
    legend says), the whole base given by hand `entered`, and its provenance does not claim the file's rows."""
    import json

    from estimator.cli import run

    frame = extract()
    path = tmp_path / "extract.csv"
    frame.to_csv(path, index=False)
    args = ["calibrate", str(path), "--customers", "120000", "--no-progress"]
    params = tmp_path / ("calibration.json" if route == "json" else "calibration.toml")
    if route == "json":
        params.write_text(run([*args, "--format", "json"]), encoding="utf-8")
    else:
        run([*args, "--write-params", str(params)])
    shown = json.loads(run(["estimate", "--params", str(params), "--format", "json"]))
    sources = shown["input_sources"]
    assert sources["customers"] == "entered"
    assert {sources[key] for key in ("churn_rate", "complaint_rate", "baseline_churn")} == {"file"}
    text = run(["estimate", "--params", str(params)])
    line = next(row for row in text.splitlines() if row.strip().startswith("customers:"))
    assert "entered: the whole base the extract stands for" in line and f"{len(frame):,} customers at risk" in line
    assert "calibrated from" not in line and "--" not in line  # it goes into client reports too


def test_the_app_shows_the_file_s_values_in_the_file_s_currency(tmp_path):
    """The Calibration tab with the file's currency set to PLN: the file's value per customer and its
    interval read PLN, not the model's €; the model's own current value keeps the model's currency."""
    from streamlit.testing.v1 import AppTest

    from estimator.text.i18n import language_scope, t
    from ui.calibration import param_label
    from ui.calibration_v3 import CURRENCY
    from ui.main import TABS_KEY

    frame = extract().rename(columns={"monthly": "monthly charges"})
    app = AppTest.from_file(str(__import__("pathlib").Path(__file__).resolve().parent.parent / "app.py"), default_timeout=120)
    app.query_params["lang"] = "en"
    with language_scope("en"):
        app.session_state[TABS_KEY] = t("tabs.calibration")
        app.session_state[CURRENCY] = "PLN"
        app.run()
        app.file_uploader[0].set_value(("extract.csv", frame.to_csv(index=False).encode(), "text/csv")).run()
        assert not app.exception, [e.value for e in app.exception]
        table = next(d.value for d in app.dataframe if t("calibration.column_estimate") in d.value.columns)
        row = table[table[t("calibration.column_parameter")] == param_label("annual_value")].iloc[0]
    shown = f"{row[t('calibration.column_estimate')]} {row[t('calibration.column_interval')]}"
    assert "PLN" in shown and "€" not in shown, shown
    assert "€" in row[t("calibration.column_current")]


def test_the_notebook_labels_a_stated_base_entered_and_the_file_s_estimates_file(tmp_path):
    """explore(calibrate(..., customers=N)): the whole base was given by hand, not read from the file."""
    from estimator.notebook import explore

    frame = extract()
    path = tmp_path / "extract.csv"
    frame.to_csv(path, index=False)
    app = explore(calibrate(path, customers=120000))
    assert app.input_sources["customers"] == "entered"
    assert app.input_sources["churn_rate"] == "file"


def test_the_app_labels_a_stated_base_entered_after_apply():
    """Calibration tab, "Customers the extract stands for" 120,000, apply: the headline's source line says
    the 120,000 customers were entered, not that they are the client's file (it has 400 rows)."""
    from streamlit.testing.v1 import AppTest

    from estimator.text.i18n import language_scope, t
    from ui.calibration_v3 import CUSTOMERS
    from ui.main import TABS_KEY

    frame = extract()
    app = AppTest.from_file(str(__import__("pathlib").Path(__file__).resolve().parent.parent / "app.py"), default_timeout=120)
    app.query_params["lang"] = "en"
    with language_scope("en"):
        app.session_state[TABS_KEY] = t("tabs.calibration")
        app.session_state[CUSTOMERS] = 120000
        app.run()
        app.file_uploader[0].set_value(("extract.csv", frame.to_csv(index=False).encode(), "text/csv")).run()
        next(b for b in app.button if b.key == "calibration_apply").click().run()
        assert not app.exception, [e.value for e in app.exception]
        line = next(str(c.value) for c in app.caption if "120,000" in str(c.value))
    assert "120,000 customers (entered)" in line, line


@pytest.mark.parametrize("header", ["Gekündigt (Q3)", "Gekündigt 2025", "Odszedł (Q1 2025)", "Opgezegd 2024", "Churned Q3"])
def test_a_churn_flag_named_in_another_language_with_its_period_is_found(header, tmp_path):
    frame = extract().rename(columns={"churned": header})
    path = tmp_path / "extract.csv"
    frame.to_csv(path, index=False, sep=";", encoding="cp1250")
    got = calibrate(path)
    assert got.mapping.get("churned") == header
    assert got.estimates["churn_rate"].value == pytest.approx(float(frame[header].mean()), rel=1e-9)


@pytest.mark.postgres
def test_postgresql_reads_amounts_with_their_currency_as_duckdb_does(postgres_url, tmp_path):
    """The currency marks are left out by a regular expression the server runs: PostgreSQL's gives DuckDB's."""
    import sqlalchemy as sa

    frame = extract().rename(columns={"monthly": "monthly charges"})
    frame["monthly charges"] = frame["monthly charges"].map(lambda v: f"{v:.2f}".replace(".", ",") + " zł")
    frame = frame.astype(str)
    engine = sa.create_engine(postgres_url)
    try:
        frame.to_sql("qa1_currency", engine, index=False, if_exists="replace")
    finally:
        engine.dispose()
    path = tmp_path / "extract.csv"
    frame.to_csv(path, index=False, sep=";")
    on_server = calibrate(postgres_url, table="qa1_currency")
    assert on_server.estimates["annual_value"].value == pytest.approx(calibrate(path).estimates["annual_value"].value, rel=1e-12)

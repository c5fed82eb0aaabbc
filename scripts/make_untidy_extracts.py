"""Untidy customer extracts like the ones clients send, for trying calibration by hand and in the tests.

- ``telecom_extract``: an English telecom export (IBM-Telco-like headers: ``customerID``,
  ``Monthly Charges``, ``Total Charges``, ``Churn Label`` Yes/No beside ``Churn Value`` 1/0,
  a complaint *count*, the long list of telecom churn reasons incl. "Don't know");
- ``polish_extract``: a Polish CRM export, cp1250, ``;`` and decimal commas, ``Status`` =
  Aktywny/Odszedł, segment names with ł ó ź ż ń ś, Polish reasons;
- ``bank_extract``: a bank's file (``CustomerId``, ``Exited``, ``Complain``, ``Balance``...).

Run ``python scripts/make_untidy_extracts.py OUTDIR`` to write them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

TELECOM_REASONS_SERVICE = (
    "Attitude of support person",
    "Attitude of service provider",
    "Poor expertise of phone support",
    "Poor expertise of online support",
    "Service dissatisfaction",
)
TELECOM_REASONS_OTHER = (
    "Competitor made better offer",
    "Competitor had better devices",
    "Competitor offered more data",
    "Price too high",
    "Price of the service too high",
    "Limited range of services",
    "Moved out of service area",
    "Network reliability",
    "Extra data charges",
    "Long distance charges",
    "Deceased",
)
TELECOM_REASONS_UNKNOWN = ("Don't know", "")

LETTERS = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), dtype=object)
POLISH_SEGMENTS = ("Klienci indywidualni (Łódź)", "Firmy (Kraków)", "Mikrofirmy (Gdańsk, Poznań)", "Źródło: Żyrardów")
POLISH_REASONS_SERVICE = ("Niegrzeczna obsługa", "Długi czas oczekiwania na infolinii", "Reklamacja nie została rozpatrzona")
POLISH_REASONS_OTHER = ("Cena", "Przeprowadzka", "Oferta konkurencji", "Zmiana potrzeb")
POLISH_REASONS_UNKNOWN = ("Nie wiem", "Inne", "")


def telecom_extract(rows: int = 3000, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    complaints = rng.choice([0, 0, 0, 0, 1, 2, 3], size=rows)
    churn_p = np.where(complaints > 0, 0.55, 0.18)
    churned = rng.random(rows) < churn_p
    reasons = np.full(rows, "", dtype=object)
    kinds = rng.random(rows)
    for i in np.flatnonzero(churned):
        pool = (
            TELECOM_REASONS_SERVICE
            if kinds[i] < (0.5 if complaints[i] else 0.2)
            else TELECOM_REASONS_UNKNOWN
            if kinds[i] > 0.9
            else TELECOM_REASONS_OTHER
        )
        reasons[i] = pool[rng.integers(len(pool))]
    monthly = np.round(rng.uniform(18.25, 118.75, rows), 2)
    tenure = rng.integers(1, 72, rows)
    return pd.DataFrame(
        {
            "customerID": [f"{i:04d}-{code}" for i, code in enumerate(rng.choice(LETTERS, (rows, 5)).sum(axis=1), 1000)],
            "Gender": rng.choice(["Male", "Female"], rows),
            "Contract": rng.choice(["Month-to-month", "One year", "Two year"], rows, p=[0.55, 0.25, 0.2]),
            "Tenure Months": tenure,
            "Monthly Charges": monthly,
            "Total Charges": np.round(monthly * tenure, 2),
            "Churn Label": np.where(churned, "Yes", "No"),
            "Churn Value": churned.astype(int),
            "Churn Reason": reasons,
            "Complaints": complaints,
        }
    )


def polish_extract(rows: int = 2000, seed: int = 12) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    segment = rng.choice(POLISH_SEGMENTS, rows, p=[0.5, 0.3, 0.15, 0.05])
    complained = rng.random(rows) < 0.15
    resolved = np.where(complained, np.where(rng.random(rows) < 0.6, "tak", "nie"), "")
    churned = rng.random(rows) < np.where(complained & (resolved == "nie"), 0.45, np.where(complained, 0.15, 0.1))
    reasons = np.full(rows, "", dtype=object)
    for i in np.flatnonzero(churned):
        u = rng.random()
        pool = POLISH_REASONS_SERVICE if u < 0.35 else POLISH_REASONS_UNKNOWN if u > 0.85 else POLISH_REASONS_OTHER
        reasons[i] = pool[rng.integers(len(pool))]
    value = np.round(rng.lognormal(7.5, 0.6, rows), 2)
    return pd.DataFrame(
        {
            "Nr klienta": [f"PL-{i:06d}" for i in range(1, rows + 1)],
            "Segment": segment,
            "Wartość roczna (zł)": [f"{v:.2f}".replace(".", ",") for v in value],
            "Reklamacja": np.where(complained, "tak", "nie"),
            "Rozpatrzona pozytywnie": resolved,
            "Status": np.where(churned, "Odszedł", "Aktywny"),
            "Powód rezygnacji": reasons,
        }
    )


def bank_extract(rows: int = 2500, seed: int = 13) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    complain = rng.random(rows) < 0.2
    exited = rng.random(rows) < np.where(complain, 0.83, 0.1)
    return pd.DataFrame(
        {
            "RowNumber": np.arange(1, rows + 1),
            "CustomerId": rng.permutation(np.arange(15_600_000, 15_600_000 + rows)),
            "Surname": rng.choice(["Hargrave", "Hill", "Onio", "Boni", "Mitchell"], rows),
            "Geography": rng.choice(["France", "Spain", "Germany"], rows),
            "Balance": np.round(rng.uniform(0, 250_000, rows), 2),
            "Exited": exited.astype(int),
            "Complain": complain.astype(int),
            "Satisfaction Score": rng.integers(1, 6, rows),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    out = parser.parse_args().outdir
    out.mkdir(parents=True, exist_ok=True)
    telecom_extract().to_csv(out / "telecom_churn.csv", index=False)
    polish_extract().to_csv(out / "klienci_crm.csv", sep=";", index=False, encoding="cp1250")
    bank_extract().to_csv(out / "bank_churn.csv", index=False)
    print(f"wrote {', '.join(p.name for p in sorted(out.iterdir()))} to {out}")


if __name__ == "__main__":
    main()

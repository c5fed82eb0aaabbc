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


# --- round 3 (issue 22): a three-valued status, negative values, a call count, a German export ------------

GERMAN_REASONS_SERVICE = ("Schlechter Kundendienst", "Unfreundliche Mitarbeiter", "Lange Wartezeit an der Hotline")
GERMAN_REASONS_OTHER = ("Zu teuer", "Umzug", "Angebot der Konkurrenz", "Vertragsende")
GERMAN_REASONS_UNKNOWN = ("Keine Angabe", "")


def status_extract(rows: int = 3000, seed: int = 21) -> pd.DataFrame:
    """A telecom file with ``Customer Status`` = Stayed / Churned / Joined, churn categories and reasons,
    no complaint column, and a few negative monthly charges (credits)."""
    rng = np.random.default_rng(seed)
    status = rng.choice(["Stayed", "Churned", "Joined"], rows, p=[0.62, 0.25, 0.13])
    churned = status == "Churned"
    reasons = np.full(rows, "", dtype=object)
    categories = np.full(rows, "", dtype=object)
    for i in np.flatnonzero(churned):
        u = rng.random()
        if u < 0.3:
            reasons[i], categories[i] = rng.choice(TELECOM_REASONS_SERVICE), "Attitude"
        elif u < 0.9:
            reasons[i], categories[i] = rng.choice(TELECOM_REASONS_OTHER), "Competitor"
        else:
            reasons[i], categories[i] = "Don't know", "Other"
    monthly = np.round(rng.uniform(18.25, 118.75, rows), 2)
    monthly[rng.choice(rows, 40, replace=False)] *= -1  # credits booked as negative charges
    return pd.DataFrame(
        {
            "Customer ID": [f"{i:04d}-TEL" for i in range(rows)],
            "Number of Dependents": rng.integers(0, 4, rows),
            "Contract": rng.choice(["Month-to-Month", "One Year", "Two Year"], rows),
            "Monthly Charge": monthly,
            "Customer Status": status,
            "Churn Category": categories,
            "Churn Reason": reasons,
        }
    )


def calls_extract(rows: int = 3333, seed: int = 22) -> pd.DataFrame:
    """A telecom file with a count of customer-service calls (0-9): churn jumps at 4 calls and more."""
    rng = np.random.default_rng(seed)
    calls = np.minimum(rng.poisson(1.5, rows), 9)
    churned = rng.random(rows) < np.where(calls >= 4, 0.52, 0.11)
    return pd.DataFrame(
        {
            "State": rng.choice(["KS", "OH", "NJ", "TX"], rows),
            "Account length": rng.integers(1, 240, rows),
            "Area code": rng.choice([408, 415, 510], rows),
            "Total day charge": np.round(rng.uniform(5, 60, rows), 2),
            "Customer service calls": calls,
            "Churn": np.where(churned, "True", "False"),
        }
    )


def german_extract(rows: int = 2000, seed: int = 23) -> pd.DataFrame:
    """A German export: ``Monatsbeitrag (EUR)`` with decimal commas, ``Status`` Aktiv / Gekündigt / Neu,
    ``Beschwerde`` ja / nein, German churn reasons (written with ``;``)."""
    rng = np.random.default_rng(seed)
    status = rng.choice(["Aktiv", "Gekündigt", "Neu"], rows, p=[0.7, 0.2, 0.1])
    complained = rng.random(rows) < 0.18
    churned = status == "Gekündigt"
    reasons = np.full(rows, "", dtype=object)
    for i in np.flatnonzero(churned):
        u = rng.random()
        pool = (
            GERMAN_REASONS_SERVICE
            if u < (0.55 if complained[i] else 0.2)
            else GERMAN_REASONS_UNKNOWN
            if u > 0.9
            else GERMAN_REASONS_OTHER
        )
        reasons[i] = pool[rng.integers(len(pool))]
    value = np.round(rng.uniform(9.99, 79.99, rows), 2)
    return pd.DataFrame(
        {
            "Kundennummer": [f"DE{i:07d}" for i in range(rows)],
            "Kundensegment": rng.choice(["Privat", "Gewerbe"], rows, p=[0.8, 0.2]),
            "Monatsbeitrag (EUR)": [f"{v:.2f}".replace(".", ",") for v in value],
            "Beschwerde": np.where(complained, "ja", "nein"),
            "Status": status,
            "Kündigungsgrund": reasons,
        }
    )


def two_churn_extract(rows: int = 1500, seed: int = 24) -> pd.DataFrame:
    """``Status`` (1 active / 2 inactive, not the same as churn) beside ``Churn`` (0/1); ``Country`` and ``Contract``."""
    rng = np.random.default_rng(seed)
    churned = rng.random(rows) < 0.16
    return pd.DataFrame(
        {
            "Customer ID": np.arange(1, rows + 1),
            "Status": rng.choice([1, 2], rows, p=[0.75, 0.25]),
            "Churn": churned.astype(int),
            "Complains": (rng.random(rows) < 0.1).astype(int),
            "Country": rng.choice(["Iran", "Iraq", "Turkey"], rows),
            "Contract": rng.choice(["monthly", "yearly"], rows),
            "Customer Value": np.round(rng.uniform(0, 2000, rows), 2),
        }
    )


def card_extract(rows: int = 2000, seed: int = 25) -> pd.DataFrame:
    """A credit-card bank file: ``CLIENTNUM``, ``Attrition_Flag`` = Attrited / Existing Customer, contacts."""
    rng = np.random.default_rng(seed)
    contacts = rng.integers(0, 7, rows)
    attrited = rng.random(rows) < np.where(contacts >= 4, 0.35, 0.12)
    return pd.DataFrame(
        {
            "CLIENTNUM": rng.permutation(np.arange(700_000_000, 700_000_000 + rows)),
            "Attrition_Flag": np.where(attrited, "Attrited Customer", "Existing Customer"),
            "Customer_Age": rng.integers(26, 70, rows),
            "Card_Category": rng.choice(["Blue", "Silver", "Gold"], rows, p=[0.9, 0.07, 0.03]),
            "Contacts_Count_12_mon": contacts,
            "Credit_Limit": np.round(rng.uniform(1400, 35000, rows), 1),
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
    status_extract().to_csv(out / "telecom_status.csv", index=False)
    calls_extract().to_csv(out / "telecom_calls.csv", index=False)
    german_extract().to_csv(out / "kunden_export.csv", sep=";", index=False)
    two_churn_extract().to_csv(out / "two_churn_columns.csv", index=False)
    card_extract().to_csv(out / "bank_cards.csv", index=False)
    print(f"wrote {', '.join(p.name for p in sorted(out.iterdir()))} to {out}")


if __name__ == "__main__":
    main()

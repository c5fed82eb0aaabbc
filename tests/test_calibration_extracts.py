"""Calibration on extracts that look like the ones clients send (issue 11): camelCase headers, status
words, complaint counts, monthly charges beside lifetime totals, two columns for one flag, a Polish
cp1250 CRM export. Every figure is checked against counts computed here with pandas, every message
by its text."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from estimator.calibration import CalibrationError, auto_mapping, calibrate, normalise, parse_mapping
from estimator.cli import main, run

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from make_untidy_extracts import bank_extract, polish_extract, telecom_extract  # noqa: E402


def hand_wilson(successes: int, n: int, z: float = stats.norm.ppf(0.975)) -> tuple[float, float]:
    p = successes / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return centre - half, centre + half


def assert_share(item, successes: int, n: int) -> None:
    assert item.n == n
    assert_allclose(item.value, successes / n, rtol=1e-12)
    assert_allclose((item.ci_low, item.ci_high), hand_wilson(int(successes), int(n)), rtol=1e-9)


def notes(result) -> dict[str, str]:
    return {w.message_id: w.message for w in result.warnings}


@pytest.mark.parametrize("header", ["CustomerID", "customerId", "CUSTOMER_ID", "Customer ID", "customer.id", "Customer-Id"])
def test_one_normalisation_for_headers_synonyms_and_maps(header):
    assert normalise(header) == "customer id"
    assert auto_mapping([header, "Churn"]).mapping["customer_id"] == header
    # --map names are matched the same way as headers.
    assert auto_mapping([header, "x"], {"customerid": "customer_id", "X": "Churned"}).mapping == {
        "customer_id": header,
        "churned": "x",
    }


def test_names_of_real_extracts_are_recognised_in_every_language():
    cases = {
        ("CustomerId", "Exited", "Complain"): ("CustomerId", "Exited", "Complain"),
        ("customer_id", "Attrition", "Complains"): ("customer_id", "Attrition", "Complains"),
        ("Kundennummer", "Kundenstatus", "Anzahl Beschwerden"): ("Kundennummer", "Kundenstatus", "Anzahl Beschwerden"),
        ("Numer klienta", "Status klienta", "Liczba reklamacji"): ("Numer klienta", "Status klienta", "Liczba reklamacji"),
        ("Ügyfélazonosító", "Lemorzsolódott", "Panaszok száma"): ("Ügyfélazonosító", "Lemorzsolódott", "Panaszok száma"),
        ("Klantnummer", "Opgezegd", "Aantal klachten"): ("Klantnummer", "Opgezegd", "Aantal klachten"),
        ("Κωδικός πελάτη", "Κατάσταση", "Αριθμός παραπόνων"): ("Κωδικός πελάτη", "Κατάσταση", "Αριθμός παραπόνων"),
    }
    for columns, (cid, churned, complained) in cases.items():
        plan = auto_mapping(columns)
        assert plan.mapping == {"customer_id": cid, "churned": churned, "complained": complained}, columns
    plan = auto_mapping(["Customer Value", "Monthly Charges", "Churn Reason"])
    assert plan.mapping == {"annual_value": "Customer Value", "churn_reason": "Churn Reason"}  # exact beats monthly


def test_an_exact_name_beats_a_looser_pattern():
    plan = auto_mapping(["churned in 2024", "Churn", "id"])
    assert plan.mapping["churned"] == "Churn" and plan.ambiguous == {}
    assert auto_mapping(["Churned in 2024", "id"]).mapping["churned"] == "Churned in 2024"  # the pattern, when alone


def test_two_maps_for_one_field_are_an_error(tmp_path):
    with pytest.raises(CalibrationError) as caught:
        parse_mapping(["A=churned", "B=churned"])
    assert str(caught.value) == "--map: two columns for churned: 'A' and 'B'; keep one --map per field"
    with pytest.raises(CalibrationError) as caught:
        parse_mapping(["A=churned", "A=complained"])
    assert str(caught.value) == "--map: the column 'A' is given two fields, churned and complained; keep one"
    with pytest.raises(CalibrationError) as caught:
        auto_mapping(["A", "B"], {"A": "churned", "B": "Churned"})
    assert caught.value.code == "map_twice"


@pytest.fixture(scope="module")
def telecom() -> pd.DataFrame:
    return telecom_extract()


@pytest.fixture(scope="module")
def telecom_file(telecom, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("telecom") / "telecom_churn.csv"
    telecom.to_csv(path, index=False)
    return path


def test_a_telecom_extract_runs_without_any_map(telecom, telecom_file):
    result = calibrate(telecom_file)
    assert result.mapping == {
        "customer_id": "customerID",
        "churned": "Churn Label",
        "complained": "Complaints",
        "annual_value": "Monthly Charges",
        "segment": "Contract",
        "churn_reason": "Churn Reason",
    }
    t = telecom
    churned, complained = t["Churn Value"] == 1, t["Complaints"] > 0  # a count > 0 means complained
    assert_share(result.estimates["churn_rate"], churned.sum(), len(t))
    assert_share(result.estimates["complaint_rate"], complained.sum(), len(t))
    # The crude baseline; the one applied is standardised to the segment mix (MODEL.md v3, test_calibration_v3.py).
    assert_share(result.adjustment.baseline_churn_crude, (churned & ~complained).sum(), (~complained).sum())
    assert_share(result.figures["churn_complainers"], (churned & complained).sum(), complained.sum())
    assert_share(result.figures["churn_non_complainers"], (churned & ~complained).sum(), (~complained).sum())
    # Monthly charges annualised ×12, with a t interval on the yearly values.
    yearly = t["Monthly Charges"] * 12
    half = stats.t.ppf(0.975, len(yearly) - 1) * yearly.std(ddof=1) / math.sqrt(len(yearly))
    value = result.estimates["annual_value"]
    assert_allclose((value.value, value.ci_low, value.ci_high), (yearly.mean(), yearly.mean() - half, yearly.mean() + half))
    said = notes(result)
    assert said["ambiguous_same"] == "churned: 'Churn Label' and 'Churn Value' say the same on every row; 'Churn Label' is used"
    assert said["value_monthly"] == (
        "'Monthly Charges' is a monthly value: annual_value is 12 × its mean (say --value-period yearly if it is yearly already)"
    )
    assert said["value_lifetime"] == (
        "'Total Charges' looks like a lifetime total, not a yearly value, and is not used; if it is yearly after all: "
        '--map "Total Charges=annual_value" --value-period yearly'
    )
    for name, part in t.groupby("Contract"):
        assert result.by_segment[name]["customers"].n == len(part)


def test_value_period_can_be_said(telecom, telecom_file):
    yearly = calibrate(telecom_file, value_period="yearly")
    assert_allclose(yearly.estimates["annual_value"].value, telecom["Monthly Charges"].mean())
    assert "value_monthly" not in notes(yearly)
    total = calibrate(telecom_file, {"Total Charges": "annual_value", "Monthly Charges": "ignore"})
    assert_allclose(total.estimates["annual_value"].value, telecom["Total Charges"].mean())  # mapped: taken as said
    with pytest.raises(CalibrationError) as caught:
        calibrate(telecom_file, value_period="weekly")
    assert str(caught.value) == "--value-period: 'weekly' is not a period; allowed: yearly, monthly"


def test_two_candidate_columns_that_disagree_stop_with_both_maps(telecom, tmp_path):
    frame = telecom.copy()
    frame.loc[[3, 10, 11], "Churn Value"] = 1 - frame.loc[[3, 10, 11], "Churn Value"]
    path = tmp_path / "clash.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(CalibrationError) as caught:
        calibrate(path)
    assert str(caught.value) == (
        "two columns could be churned: 'Churn Label' and 'Churn Value', and they differ in 3 rows; choose one with "
        '--map "Churn Label=churned" or --map "Churn Value=churned"'
    )
    chosen = calibrate(path, {"Churn Value": "churned"})
    assert_share(chosen.estimates["churn_rate"], frame["Churn Value"].sum(), len(frame))


def test_status_words_and_a_polish_cp1250_export(tmp_path):
    frame = polish_extract()
    path = tmp_path / "klienci.csv"
    frame.to_csv(path, sep=";", index=False, encoding="cp1250")
    result = calibrate(path)
    assert result.mapping["churned"] == "Status" and result.mapping["annual_value"] == "Wartość roczna (zł)"
    assert set(result.by_segment) == set(frame["Segment"])  # Łódź, Kraków, Gdańsk, Źródło, Żyrardów read as written
    churned, complained = frame["Status"] == "Odszedł", frame["Reklamacja"] == "tak"
    resolved = complained & (frame["Rozpatrzona pozytywnie"] == "tak")
    assert_share(result.estimates["churn_rate"], churned.sum(), len(frame))
    assert_share(result.estimates["resolved_share"], resolved.sum(), complained.sum())
    assert_share(result.estimates["churn_unresolved"], (churned & complained & ~resolved).sum(), (complained & ~resolved).sum())
    values = frame["Wartość roczna (zł)"].str.replace(",", ".").astype(float)
    assert_allclose(result.estimates["annual_value"].value, values.mean())
    for name, part in frame.groupby("Segment"):
        assert_share(result.by_segment[name]["churn_rate"], (part["Status"] == "Odszedł").sum(), len(part))


def test_without_complained_the_rest_is_still_estimated_and_the_output_says_what_is_missing(telecom, tmp_path):
    path = tmp_path / "no_complaints.csv"
    telecom.drop(columns=["Complaints"]).to_csv(path, index=False)
    result = calibrate(path)
    assert {"churn_rate", "annual_value", "service_share"} <= set(result.estimates)
    assert "complaint_rate" not in result.estimates and "baseline_churn" not in result.estimates
    assert "churn_complainers" not in result.figures
    assert_share(result.estimates["churn_rate"], telecom["Churn Value"].sum(), len(telecom))
    assert notes(result)["absent_complained"] == (
        "no complained column: complaint_rate, baseline_churn and the churn of complainers vs non-complainers are not "
        'estimated; a column of who complained (a flag or a count) would give them: --map "COLUMN=complained"'
    )
    assert "no_resolved" not in notes(result) and "baseline_biased" not in notes(result)


def test_without_an_id_column_rows_are_customers_with_a_warning(tmp_path):
    frame = bank_extract().drop(columns=["CustomerId"])
    path = tmp_path / "no_id.csv"
    frame.to_csv(path, index=False)
    result = calibrate(path)
    assert result.rows == len(frame) and "customer_id" not in result.mapping
    assert notes(result)["absent_customer_id"] == (
        "no customer id column: every row is taken as one customer, and duplicated customers cannot be found; "
        'to name one: --map "COLUMN=customer_id"'
    )
    complained = frame["Complain"] == 1
    assert_share(result.figures["churn_complainers"], (frame["Exited"][complained] == 1).sum(), complained.sum())


def test_a_missing_required_field_names_the_closest_columns_and_the_map_to_copy(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Customer ID,Churnd,Complaint\nA,1,0\nB,0,1\n", encoding="utf-8")
    with pytest.raises(CalibrationError) as caught:
        calibrate(path)
    message = str(caught.value)
    assert message.startswith("missing required column 'churned'; accepted names include ")
    assert 'map one with --map COLUMN=churned, e.g. churned: --map "Churnd=churned"; first row: ' in message
    assert main(["calibrate", str(path), "--map", "Churnd=churned"]) == 0


def test_the_bank_extract_end_to_end_on_the_command_line(tmp_path, capsys):
    frame = bank_extract()
    path = tmp_path / "bank.csv"
    frame.to_csv(path, index=False)
    text = run(["calibrate", str(path)])
    complained = frame["Complain"] == 1
    share = (frame["Exited"][complained] == 1).mean()
    assert "Churn by complaint:" in text and f"{share:.1%}" in text


# --- churn reasons (item 3) ---------------------------------------------------------------------------

from make_untidy_extracts import (  # noqa: E402
    POLISH_REASONS_OTHER,
    POLISH_REASONS_SERVICE,
    TELECOM_REASONS_OTHER,
    TELECOM_REASONS_SERVICE,
)


def test_reasons_are_classed_by_whole_phrases_not_substrings(telecom, telecom_file):
    result = calibrate(telecom_file)
    classes = {row["reason"]: row["class"] for row in result.reasons}
    for reason in ("Limited range of services", "Moved out of service area", "Price of the service too high"):
        assert classes[reason] == "other", reason  # "service" inside is not poor service
    assert classes["Don't know"] == "unknown" and classes[""] == "unknown"
    assert all(classes[r] == "service" for r in TELECOM_REASONS_SERVICE if r in classes)
    assert all(classes[r] == "other" for r in TELECOM_REASONS_OTHER if r in classes)
    # The list is every distinct reason of the churners, with pandas' counts.
    churners = telecom[telecom["Churn Value"] == 1]
    counted = churners["Churn Reason"].fillna("").str.strip().value_counts()
    assert {row["reason"]: row["count"] for row in result.reasons} == counted.to_dict()
    service = churners["Churn Reason"].isin(TELECOM_REASONS_SERVICE).sum()
    other = churners["Churn Reason"].isin(TELECOM_REASONS_OTHER).sum()
    unknown = len(churners) - service - other
    assert_share(result.estimates["service_share"], service, service + other)  # unknown out of the denominator
    assert_allclose(result.figures["service_share_unknown_as_other"].value, service / len(churners))
    assert_allclose(result.figures["service_share_unknown_as_service"].value, (service + unknown) / len(churners))
    assert notes(result)["reasons_unknown"] == (
        f"{unknown} churned customers gave no usable reason (don't know, other, blank or a reason no rule knows): "
        f"service_share rests on the {service + other:,} who gave a known one; were all of them poor service it would be "
        f"{(service + unknown) / len(churners):.1%}, were none {service / len(churners):.1%}"
    )
    data = run(["calibrate", str(telecom_file), "--format", "json"])
    assert '"reasons": [' in data and '"class": "unknown"' in data


def test_unknown_reasons_are_listed_and_can_be_classed_by_hand(telecom, tmp_path):
    frame = telecom.copy()
    churners = frame.index[frame["Churn Value"] == 1]
    frame.loc[churners[:30], "Churn Reason"] = "Lack of self-service on Website"
    path = tmp_path / "unclassified.csv"
    frame.to_csv(path, index=False)
    result = calibrate(path)
    row = next(r for r in result.reasons if r["reason"] == "Lack of self-service on Website")
    assert row == {"reason": "Lack of self-service on Website", "count": 30, "class": "unclassified"}
    assert notes(result)["reasons_unclassified"] == (
        "30 churned customers gave reasons no rule knows, counted as unknown until classified: "
        "'Lack of self-service on Website' (30); classify them with --reason \"TEXT=service|other|unknown\" "
        '(e.g. --reason "Lack of self-service on Website=other") or in the app\'s reason table'
    )
    before = result.estimates["service_share"]
    fixed = calibrate(path, reasons={"lack of self service on website": "service"})  # matched as reasons are
    assert fixed.reason_overrides == {"lack of self service on website": "service"}
    after = fixed.estimates["service_share"]
    assert after.n == before.n + 30
    assert_allclose(after.value, (before.value * before.n + 30) / (before.n + 30))
    text = run(["calibrate", str(path), "--reason", "Lack of self-service on Website=service", "--format", "json"])
    assert '"reason_overrides": {\n    "Lack of self-service on Website": "service"' in text


def test_a_bad_reason_override_is_named(tmp_path, capsys, telecom_file):
    assert main(["calibrate", str(telecom_file), "--reason", "Deceased=sad"]) == 2
    assert capsys.readouterr().err == (
        "error: --reason: expected TEXT=CLASS with CLASS one of service|other|unknown, got 'Deceased=sad'\n"
    )
    result = calibrate(telecom_file, reasons={"Nothing like it": "other"})
    assert notes(result)["reason_override_unused"] == (
        "--reason 'Nothing like it': no churned customer gave this reason; check its spelling"
    )


def test_polish_reasons_are_classed_too(tmp_path):
    frame = polish_extract()
    path = tmp_path / "klienci.csv"
    frame.to_csv(path, sep=";", index=False, encoding="cp1250")
    classes = {row["reason"]: row["class"] for row in calibrate(path).reasons}
    assert {classes[r] for r in POLISH_REASONS_SERVICE} == {"service"}
    assert {classes[r] for r in POLISH_REASONS_OTHER} == {"other"}
    assert classes["Nie wiem"] == classes["Inne"] == "unknown"


# --- digits (item 4) -------------------------------------------------------------------------------


def rare_file(tmp_path: Path, churned: int, rows: int = 20_000) -> Path:
    path = tmp_path / f"rare_{churned}.csv"
    flags = ["1"] * churned + ["0"] * (rows - churned)
    path.write_text("id,churn\n" + "".join(f"C{i},{flag}\n" for i, flag in enumerate(flags)), encoding="utf-8")
    return path


def test_small_rates_are_printed_with_enough_digits_to_tell_them_apart(tmp_path):
    half = calibrate(rare_file(tmp_path, 10)).estimates["churn_rate"]
    tenth = calibrate(rare_file(tmp_path, 20)).estimates["churn_rate"]
    text_half, text_tenth = run(["calibrate", str(rare_file(tmp_path, 10))]), run(["calibrate", str(rare_file(tmp_path, 20))])
    row_half = next(line for line in text_half.splitlines() if line.strip().startswith("churn_rate"))
    row_tenth = next(line for line in text_tenth.splitlines() if line.strip().startswith("churn_rate"))
    assert f"{half.value:.3%}" == "0.050%" and "0.050%" in row_half
    assert f"{half.ci_low:.3%} – {half.ci_high:.3%}" in row_half  # the interval too, same decimals
    assert "0.100%" in row_tenth and f"{tenth.ci_low:.3%} – {tenth.ci_high:.3%}" in row_tenth


@pytest.mark.parametrize(("language", "expected"), [("en", "0.050%"), ("pl", "0,050%"), ("el", "0,050%")])
def test_small_shares_in_messages_keep_their_digits_in_every_language(language, expected):
    from estimator.calibration import CalibrationWarning

    warning = CalibrationWarning.of("reasons_unknown", count=3, known=5000, low=0.0005, high=0.0011)
    text = warning.text(language)
    assert expected in text.replace("\xa0", "") and ("0.110%" in text or "0,110%" in text.replace("\xa0", ""))


# --- encodings (item 6) -----------------------------------------------------------------------------

SEGMENTS_BY_LANGUAGE = {
    "pl": ("Klienci indywidualni (Łódź)", "Firmy (Kraków)", "Źródła: Żyrardów, Gdańsk", "Mała śnieżka ń"),
    "hu": ("Győri ügyfelek", "Műszaki szolgáltatás", "Őrségi tűzoltók"),
    "el": ("Ιδιώτες (Άρτα)", "Επιχειρήσεις Θεσσαλονίκης", "Ύδρα ώρα"),
}


#: Status words of each language (churned, active).
STATUS = {"pl": ("Odszedł", "Aktywny"), "hu": ("Lemondott", "Aktív"), "el": ("Αποχώρησε", "Ενεργός")}


def extract_with_segments(segments: tuple[str, ...], rows: int = 400, language: str = "pl") -> pd.DataFrame:
    gone, active = STATUS[language]
    return pd.DataFrame(
        {
            "Nr klienta": [f"K{i}" for i in range(rows)],
            "Segment": [segments[i % len(segments)] for i in range(rows)],
            "Status": [gone if i % 7 == 0 else active for i in range(rows)],
        }
    )


@pytest.mark.parametrize(
    ("language", "encoding"),
    [
        ("pl", "cp1250"),
        ("pl", "iso-8859-2"),  # ś ź ą sit where cp1250 has other letters
        ("hu", "iso-8859-2"),
        ("hu", "cp1250"),
        ("el", "cp1253"),
        ("el", "iso-8859-7"),  # Ά sits where cp1253 has ¶
        ("pl", "utf-8"),
        ("el", "utf-8-sig"),
        ("hu", "utf-16"),
    ],
)
def test_segment_names_survive_every_encoding_of_our_languages(tmp_path, language, encoding):
    frame = extract_with_segments(SEGMENTS_BY_LANGUAGE[language], language=language)
    path = tmp_path / "extract.csv"
    frame.to_csv(path, sep=";", index=False, encoding=encoding)
    result = calibrate(path)
    assert set(result.by_segment) == set(SEGMENTS_BY_LANGUAGE[language])
    for name, part in frame.groupby("Segment"):
        assert_share(result.by_segment[name]["churn_rate"], (part["Status"] == STATUS[language][0]).sum(), len(part))


def test_the_polish_export_the_old_detector_took_for_greek(tmp_path):
    # Dense Polish letters in runs ("Łódź"): the old detector counted runs of high bytes and said cp1253.
    frame = extract_with_segments(("Łódź", "Kraków", "Gdańsk", "Żółć"), rows=200)
    path = tmp_path / "lodz.csv"
    frame.to_csv(path, sep=";", index=False, encoding="cp1250")
    assert set(calibrate(path).by_segment) == {"Łódź", "Kraków", "Gdańsk", "Żółć"}


def test_a_file_that_stops_being_utf8_names_the_encoding_to_choose(tmp_path):
    rows = "".join(f"B{i},0,0\n" for i in range(150_000))  # more than the detector's megabyte of UTF-8 first
    path = tmp_path / "mixed.csv"
    data = ("customer_id,churned,complained\n" + rows).encode() + "Z1,1,0\nŁódź,0,1\n".encode("cp1250")
    path.write_bytes(data)
    with pytest.raises(CalibrationError) as caught:
        calibrate(path)
    position = data.index("Łódź".encode("cp1250"))
    assert str(caught.value) == (
        f"the file is UTF-8 up to byte {position:,} and then is not (its encoding changes there, or it is not UTF-8 at all); "
        "it may be cp1250: choose one with --encoding ENCODING (e.g. --encoding cp1250) or save it as CSV UTF-8"
    )
    assert calibrate(path, encoding="cp1250").rows == 150_002


def test_bytes_in_no_encoding_of_ours_get_the_candidates_and_the_option(tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"customer_id,churned\n" + bytes(range(0x80, 0x100)) * 4 + b",1\n")
    with pytest.raises(CalibrationError) as caught:
        calibrate(path)
    message = str(caught.value)
    assert message.startswith("the file is not UTF-8 and reads as none of cp1250, iso8859_2, cp1253, iso8859_7; it may be ")
    assert "choose one with --encoding ENCODING (e.g. --encoding " in message

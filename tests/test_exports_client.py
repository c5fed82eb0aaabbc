"""What a client sees in the deliverables (issue 23): names, citations, numbers in the locale, the page's
layout and the workbook's print set-up, checked on the files themselves (no LibreOffice here; the
rendered checks are in ``tests/test_exports_rendered.py``)."""

from __future__ import annotations

import csv
import io
import re
import tomllib
from html.parser import HTMLParser

import openpyxl
import pytest
from pptx import Presentation

from estimator import Parameters, estimate, load_preset
from estimator.core.parameters import PARAMETER_SPECS
from estimator.library import data_dir
from estimator.reports import build_content, html_bytes, pptx_bytes, report_name, safe_filename, xlsx_bytes
from estimator.reports.pptx_report import round_ticks
from estimator.text.i18n import language_scope, t

TELECOM = load_preset("telecom_cable")
#: Words of our own working vocabulary that are not part of any citation.
INTERNAL_WORDS = re.compile(r"seed|article|reported by|unverified|rounding", re.IGNORECASE)


def _content(params: Parameters, language: str = "en", **options):
    return build_content(
        params, sources=TELECOM.sources, base=TELECOM.parameters, draws=500, seed=3, language=language, **options
    )


def _texts(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


# --- the scenario's name ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "pl", "el"])
def test_a_changed_preset_is_called_modified_in_title_footer_and_file_name(language):
    changed = TELECOM.parameters.replace(churn_rate=0.21)
    deck = Presentation(io.BytesIO(pptx_bytes(_content(changed, language))))
    with language_scope(language):
        preset_title = report_name(TELECOM.parameters, TELECOM.parameters)
        modified = t("report.modified", name=preset_title)
        file_name = safe_filename(report_name(changed, TELECOM.parameters), "pptx")
    assert modified != preset_title
    assert modified in _texts(deck.slides[0])
    assert all(modified in _texts(slide) for slide in list(deck.slides)[1:])  # every footer
    assert " " not in file_name and file_name.startswith(safe_filename(preset_title, "pptx")[:-5])
    # The unchanged preset keeps its own name; a name the user typed is kept as typed.
    unchanged = Presentation(io.BytesIO(pptx_bytes(_content(TELECOM.parameters, language))))
    assert modified not in _texts(unchanged.slides[0]) and preset_title in _texts(unchanged.slides[0])
    assert report_name(changed.replace(name="Acme Q3"), TELECOM.parameters) == "Acme Q3"


# --- sources ------------------------------------------------------------------------------------------


def test_every_source_a_client_sees_is_a_citation():
    with open(data_dir() / "evidence.csv", newline="", encoding="utf-8") as handle:
        sources = {row["source"] for row in csv.DictReader(handle)}
    with open(data_dir() / "published_estimates.toml", "rb") as handle:
        sources |= {entry["source"] for entry in tomllib.load(handle).values()}
    offending = sorted(source for source in sources if INTERNAL_WORDS.search(source))
    assert not offending, f"not citations: {offending}"


def test_the_polish_deck_cites_sources_without_english_fragments():
    deck = Presentation(io.BytesIO(pptx_bytes(_content(TELECOM.parameters, "pl"))))
    with language_scope("pl"):
        title = t("report.assumptions.title", page=1, pages=2)[:10]
    tables = [shape.table for slide in deck.slides if title in _texts(slide) for shape in slide.shapes if shape.has_table]
    sources = [row.cells[2].text for table in tables for row in list(table.rows)[1:]]
    assert len(sources) == len(PARAMETER_SPECS)
    assert not [source for source in sources if INTERNAL_WORDS.search(source)]


# --- numbers in the locale --------------------------------------------------------------------------


def test_the_polish_payback_is_written_with_a_decimal_comma():
    content = _content(TELECOM.parameters, "pl")
    months = content.initiative.payback_months
    assert months is not None and months != round(months)
    deck = Presentation(io.BytesIO(pptx_bytes(content)))
    text = "\n".join(_texts(slide) for slide in deck.slides)
    expected = f"{months:.1f}".replace(".", ",")
    assert f"{expected} mies." in text and f"{months:.1f} mies." not in text


def test_deck_number_formats_carry_the_locale():
    deck = Presentation(io.BytesIO(pptx_bytes(_content(TELECOM.parameters, "pl"))))
    codes = set()
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_chart:
                codes |= set(shape.chart._chartSpace.xpath(".//c:numFmt/@formatCode"))
    assert codes and all(code.startswith("[$-415]") for code in codes), codes


def test_waterfall_labels_tell_close_bars_apart():
    # The default scenario's incidents (€462K) and word of mouth (€389K) were both "€0.5M"/"€0.4M".
    deck = Presentation(io.BytesIO(pptx_bytes(build_content(Parameters(), draws=500, seed=3))))
    chart = next(shape.chart for shape in deck.slides[2].shapes if shape.has_chart)
    label_formats = [str(code) for code in chart._chartSpace.xpath(".//c:dLbl/c:numFmt/@formatCode")]
    channels = estimate(Parameters()).channels
    assert len(label_formats) == len(channels) + 1  # every channel and the total
    assert '[$-409]"€"#,##0,"K";[$-409]-"€"#,##0,"K"' in label_formats  # €462K, €389K, ...


def test_histogram_labels_sit_on_round_amounts():
    content = build_content(Parameters(), draws=2000, seed=3)
    deck = Presentation(io.BytesIO(pptx_bytes(content)))
    chart = next(
        shape.chart for slide in deck.slides for shape in slide.shapes if shape.has_chart and shape.chart.plots[0].gap_width == 8
    )
    labels = [label for label in chart.plots[0].categories if label not in (None, "", "None")]
    edges = content.monte_carlo.histogram_edges
    ticks = round_ticks(float(edges[0]), float(edges[-1]))
    from estimator.text.formatting import format_money

    assert 3 <= len(labels) <= 7
    assert labels == [format_money(tick, "EUR") for tick in ticks]
    step = ticks[1] - ticks[0]
    assert all(abs(tick / step - round(tick / step)) < 1e-9 for tick in ticks)


# --- the page ----------------------------------------------------------------------------------------


class _Outline(HTMLParser):
    """The classes of the page's elements, each with its parent's class."""

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.pairs: list[tuple[str, str]] = []
        self.tables: list[str] = []

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        self.pairs.append((self.stack[-1] if self.stack else "", cls))
        if tag == "table":
            self.tables.append(cls)
        if tag not in ("meta", "br", "img", "input"):
            self.stack.append(cls)

    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()


def test_the_page_puts_its_cards_in_the_grid_and_has_the_payback_table():
    content = _content(TELECOM.parameters, "pl")
    page = html_bytes(content).decode("utf-8")
    outline = _Outline()
    outline.feed(page)
    cards = [parent for parent, cls in outline.pairs if cls == "card"]
    assert len(cards) == 6 and set(cards) == {"cards"}
    assert "initiative" in outline.tables
    with language_scope("pl"):
        assert t("report.initiative.title") in page and t("uncertainty.payback") in page


# --- the workbook ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook():
    return openpyxl.load_workbook(io.BytesIO(xlsx_bytes(_content(TELECOM.parameters.replace(churn_rate=0.21), "pl"))))


def test_inputs_are_shown_in_their_units(workbook):
    sheet = workbook["Inputs"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=5, max_col=4) if row[0].value in PARAMETER_SPECS}
    assert rows["churn_rate"][2].value == 0.21 and rows["churn_rate"][2].number_format.endswith("0%")
    assert "#,##0" in rows["customers"][2].number_format
    assert "€" in rows["annual_value"][2].number_format
    assert rows["churn_rate"][3].value == "od 0% do 100%"  # the allowed values in Polish, in the cell's unit


def test_no_number_shows_binary_noise(workbook):
    # The tornado's ends and the levers' from/to are parameter values: 0.08, never 0.07999999999999999.
    checked = 0
    for row in workbook["Sensitivity"].iter_rows(min_row=5, max_col=4):
        if row[0].value in PARAMETER_SPECS:
            for cell in row[2:4]:
                if isinstance(cell.value, float):
                    checked += 1
                    assert cell.value == float(f"{cell.value:.12g}"), cell.coordinate
    assert checked > 2 * len(PARAMETER_SPECS) * 0.8
    for name in ("Sensitivity", "Sources", "Monte Carlo", "Model"):
        for row in workbook[name].iter_rows():
            if row[0].value in ("silent_cap_binds", "downtime_capped"):  # TRUE / FALSE
                continue
            for cell in row:
                if isinstance(cell.value, float) or (isinstance(cell.value, str) and cell.value.startswith("=")):
                    assert cell.number_format != "General", (name, cell.coordinate, cell.value)


def test_every_sheet_prints_one_page_wide_with_its_header_repeated(workbook):
    for sheet in workbook.worksheets:
        setup = sheet.page_setup
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth in (None, 1) and setup.fitToHeight == 0
        assert setup.paperSize == 9 and sheet.print_title_rows, sheet.title
    assert workbook["Inputs"].page_setup.orientation == "landscape"

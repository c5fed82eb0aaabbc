"""The deck and the workbook as LibreOffice prints them, in English and Polish (issue 23).

Each file is converted to PDF and read back with poppler's ``pdftotext -bbox``: the workbook
prints on a sensible number of pages, no row of an assumptions table reaches the footer, and
Polish numbers carry decimal commas in the text and in the charts.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_reports_libreoffice import soffice_convert

from estimator import load_preset
from estimator.reports import build_content, write_report
from estimator.text.i18n import language_scope, t

pytestmark = [
    pytest.mark.office,
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("soffice") is None or shutil.which("pdftotext") is None, reason="LibreOffice or poppler missing"
    ),
]

TELECOM = load_preset("telecom_cable")
#: The workbook printed on 23 pages with columns split across them; now each sheet is one page wide.
MOST_WORKBOOK_PAGES = 8
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("rendered")
    params = TELECOM.parameters.replace(churn_rate=0.21)
    files = []
    for language in ("en", "pl"):
        content = build_content(
            params, sources=TELECOM.sources, base=TELECOM.parameters, draws=2000, seed=7, language=language, published=True
        )
        for kind in ("pptx", "xlsx"):
            files.append(write_report(content, folder / f"{kind}_{language}.{kind}"))
    pdfs = soffice_convert(files, "pdf", folder, folder / "profile")
    return {pdf.stem: pdf for pdf in pdfs}


def _pages(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Every page's words with their boxes (points from the top left)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [
        [(float(a), float(b), float(c), float(d), html.unescape(w)) for a, b, c, d, w in _WORD.findall(page)]
        for page in out.split("<page ")[1:]
    ]


@pytest.mark.parametrize("language", ["en", "pl"])
def test_the_workbook_prints_on_a_few_pages(rendered, language):
    assert len(_pages(rendered[f"xlsx_{language}"])) <= MOST_WORKBOOK_PAGES


@pytest.mark.parametrize("language", ["en", "pl"])
def test_no_assumption_row_touches_the_footer(rendered, language):
    with language_scope(language):
        title_start = t("report.assumptions.title", page=1, pages=2).split("(")[0].split()[0]
    checked = 0
    for words in _pages(rendered[f"pptx_{language}"]):
        if not words or words[0][4] != title_start:
            continue
        footer_top = max(y0 for _, y0, _, _, _ in words)  # the footer is the slide's lowest line
        body = [y1 for _, y0, _, y1, _ in words if y0 < footer_top - 1]
        assert max(body) < footer_top - 6, f"the table reaches the footer ({max(body):.0f} ≥ {footer_top - 6:.0f} pt)"
        checked += 1
    assert checked >= 2


def test_polish_numbers_have_decimal_commas_in_text_and_charts(rendered):
    text = " ".join(word for page in _pages(rendered["pptx_pl"]) for *_, word in page)
    assert re.search(r"\b\d+,\d mies\.", text) and not re.search(r"\b\d+\.\d mies\.", text)
    # Chart labels and axes (number formats LibreOffice applies): "20,2 mln €", never "20.2mln".
    assert re.search(r"\b\d+,\d+ mln\b", text)
    assert not re.search(r"\b\d+\.\d+ ?mln\b", text)
    assert not re.search(r"\d\.\d%", text)

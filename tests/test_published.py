"""Published estimates reproduced through the model (MODEL.md v2), their data, CLI, charts and the presets tied to them."""

import json
import math

import pandas as pd
import pytest

from estimator import Parameters, load_preset
from estimator.analysis.published import _read_estimate, load_published, published_records, published_table, share_comparison
from estimator.cli import main
from estimator.cli.published import JSON_KEYS
from estimator.core.model import evaluate
from estimator.core.parameters import InputError
from estimator.figures.published import published_chart, share_chart
from estimator.library import list_presets, load_evidence
from estimator.text.formatting import format_share
from estimator.text.i18n import has_key, language_scope, t

LANGUAGES = ("en", "pl", "hu", "nl", "el")
ESTIMATES = {estimate.id: estimate for estimate in load_published()}


def test_the_four_published_figures_of_model_md_are_there():
    assert set(ESTIMATES) >= {
        "newvoicemedia_2013",
        "qualtrics_sales_at_risk",
        "fundacja_obserwatorium_zarzadzania",
        "genesys_datamonitor_poland",
    }
    figures = {key: (e.published, e.unit) for key, e in ESTIMATES.items()}
    assert figures["newvoicemedia_2013"] == (41e9, "USD")
    assert figures["qualtrics_sales_at_risk"] == (0.095, "share")
    assert figures["fundacja_obserwatorium_zarzadzania"] == (5.2e9, "PLN")
    assert figures["genesys_datamonitor_poland"] == (8.8e9, "EUR")


@pytest.mark.parametrize("record", published_records(), ids=lambda r: r["id"])
def test_each_figure_is_reproduced_within_half_a_per_cent(record):
    assert abs(record["relative_error"]) < 0.005
    assert record["reproduced"] == pytest.approx(record["published"], rel=0.005)


def test_reproductions_by_hand():
    table = published_table()
    # NewVoiceMedia: 44% switched x $392 x the implied base of 237.7 M = $40.998 bn (retention only).
    assert table.loc["newvoicemedia_2013", "reproduced"] == pytest.approx(0.44 * 392 * 237.7e6, rel=1e-12)
    # Fundacja Obserwatorium Zarządzania: one in five x 600 PLN x 43.3 M = 5.196 bn PLN.
    assert table.loc["fundacja_obserwatorium_zarzadzania", "reproduced"] == pytest.approx(0.20 * 600 * 43.3e6, rel=1e-12)
    # Genesys / Datamonitor: 83.14 M x 73% = 60.69 M lost relationships x 145 EUR = 8.8004 bn EUR.
    assert table.loc["genesys_datamonitor_poland", "reproduced"] == pytest.approx(83.14e6 * 0.73 * 145, rel=1e-12)
    # Qualtrics: 18% very bad x 19% stopped (retention, bottom-up with no baseline churn) = 3.42% of sales, plus
    # the 81% who stayed x 0.4198 (34% of all of them) cutting the whole spend = 6.12%: 9.54% of sales.
    assert table.loc["qualtrics_sales_at_risk", "reproduced"] == pytest.approx(0.18 * 0.19 + 0.18 * 0.81 * 0.4198, rel=1e-12)


def test_the_whole_model_adds_what_the_publications_leave_out():
    table = published_table()
    for key in ("newvoicemedia_2013", "fundacja_obserwatorium_zarzadzania", "genesys_datamonitor_poland"):
        # Retention is the same; spending cuts, missed contacts, word of mouth and incidents come on top.
        estimate = ESTIMATES[key]
        outputs = evaluate(estimate.whole_model_parameters())
        assert float(outputs.retention) == pytest.approx(table.loc[key, "reproduced"], rel=1e-12)
        assert table.loc[key, "whole_model"] == pytest.approx(float(outputs.total), rel=1e-12)
        assert table.loc[key, "whole_model"] > table.loc[key, "reproduced"]
    # Counts of a company's size scale with the national base: 20,000 contacts per 100,000 customers.
    nvm = ESTIMATES["newvoicemedia_2013"].whole_model_parameters()
    assert nvm.prospect_contacts == pytest.approx(237.7e6 * 0.2)
    # Qualtrics with the library's cut depth (20%) and baseline churn (12%): a much smaller share of sales.
    qualtrics = ESTIMATES["qualtrics_sales_at_risk"].whole_model_parameters()
    assert qualtrics.spend_cut_depth == pytest.approx(0.20) and qualtrics.baseline_churn == pytest.approx(0.12)
    assert qualtrics.resolved_share == 0 and qualtrics.churn_unresolved == pytest.approx(0.19)  # kept: the publication's groups
    assert table.loc["qualtrics_sales_at_risk", "whole_model"] == pytest.approx(float(evaluate(qualtrics).share_of_revenue))
    assert table.loc["qualtrics_sales_at_risk", "whole_model"] < 0.5 * 0.095


def test_inputs_are_the_evidence_librarys_figures():
    evidence = load_evidence()
    for estimate in ESTIMATES.values():
        assert evidence.loc[estimate.evidence, "value"] == pytest.approx(estimate.published)
        year = evidence.loc[estimate.evidence, "year"]
        assert estimate.year == (None if pd.isna(year) else int(year))  # no year guessed
        assert all(item in evidence.index for item in estimate.evidence_ids)
        assert any(item.status == "implied" for item in estimate.inputs.values())
        for item in estimate.inputs.values():
            assert item.status in ("stated", "implied") and item.note
            if item.status == "stated":  # a stated input is the evidence row's figure
                assert item.evidence and evidence.loc[item.evidence, "value"] == pytest.approx(item.value)
    # Qualtrics' 34% cut spending is of all with a very bad experience: 0.34 / 0.81 of those who stayed.
    assert ESTIMATES["qualtrics_sales_at_risk"].inputs["spend_cut_share"].value == pytest.approx(0.34 / 0.81, abs=1e-4)
    # The implied bases are the published figure over the stated multiplication.
    for key in ("newvoicemedia_2013", "fundacja_obserwatorium_zarzadzania", "genesys_datamonitor_poland"):
        inputs = ESTIMATES[key].inputs
        rate, value = inputs["churn_rate"].value * inputs["service_share"].value, inputs["annual_value"].value
        assert inputs["customers"].value == pytest.approx(ESTIMATES[key].published / (rate * value), rel=0.005)


def test_a_malformed_entry_is_named():
    entry = {
        "source": "X",
        "published": 1.0,
        "unit": "EUR",
        "evidence": "x",
        "citation": "X",
        "channels": ["retention"],
        "inputs": {"churn_rate": {"value": 0.1, "status": "guessed"}},
    }
    with pytest.raises(InputError, match=r"\[bad\] input 'churn_rate': status 'guessed'"):
        _read_estimate("bad", entry)
    with pytest.raises(InputError, match="channels"):
        _read_estimate("bad", {**entry, "channels": ["gossip"]})
    with pytest.raises(InputError, match="not a numeric parameter"):
        _read_estimate("bad", {**entry, "inputs": {"colour": {"value": 1, "status": "stated"}}})


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_in_five_languages(lang):
    with language_scope(lang):
        for estimate_id in ESTIMATES:
            key = f"published.note.{estimate_id}"
            assert has_key(key) and t(key) != key and "published." not in t(key)
        figure = published_chart(published_table(), locale=lang)
        shares = share_chart(share_comparison(Parameters()), locale=lang)
        texts = [trace.name for trace in [*figure.data, *shares.data]] + [str(figure.layout.xaxis.title.text)]
        assert all(text and "published." not in text for text in texts)
        if lang != "en":
            assert t("published.title") != "Published estimates, reproduced"


def test_charts_draw_the_table():
    table = published_table()
    figure = published_chart(table)
    by_name = {trace.name: trace for trace in figure.data}
    reproduced = dict(zip(by_name[t("published.reproduced")].y, by_name[t("published.reproduced")].x, strict=True))
    assert reproduced["NewVoiceMedia 2013"] == pytest.approx(table.loc["newvoicemedia_2013", "relative_error"] + 1)
    assert set(by_name[t("published.published")].x) == {1.0}
    comparison = share_comparison(Parameters())
    assert comparison.loc["scenario", "published_share"] == pytest.approx(float(evaluate(Parameters()).share_of_revenue))
    assert comparison.loc["newvoicemedia_2013", "published_share"] == pytest.approx(41e9 / (237.7e6 * 392))
    assert comparison.loc["newvoicemedia_2013", "share_implied"]
    assert not comparison.loc["qualtrics_sales_at_risk", "share_implied"]
    shares = share_chart(comparison)
    assert shares.layout.shapes[0].x0 == pytest.approx(comparison.loc["scenario", "published_share"])


def test_cli_json_and_table(capsys):
    assert main(["published", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [record["id"] for record in records] == list(ESTIMATES)
    for record in records:
        assert tuple(record) == JSON_KEYS
        assert abs(record["relative_error"]) < 0.005 and math.isfinite(record["whole_model"])
        assert {item["status"] for item in record["inputs"].values()} <= {"stated", "implied"}
    assert main(["published", "--format", "json", "--lang", "pl"]) == 0
    polish = json.loads(capsys.readouterr().out)
    with language_scope("pl"):
        assert polish[1]["note"] == t("published.note.qualtrics_sales_at_risk")
    assert main(["published", "--lang", "hu"]) == 0
    table = capsys.readouterr().out
    with language_scope("hu"):
        assert t("published.column_reproduced") in table and t("published.implied") in table
    assert main(["published", "--lang", "xx"]) == 2
    assert "--lang: 'xx' is not available" in capsys.readouterr().err


# --- The evidence library checked against the published estimates ----------------------------------


def _sources_by_preset():
    for preset in list_presets():
        yield preset.name, load_preset(preset.name).sources


def test_a_preset_using_a_published_figure_names_the_published_estimate():
    by_evidence = {}
    for estimate in ESTIMATES.values():
        for item in estimate.evidence_ids:
            by_evidence[item] = estimate
    checked = 0
    for name, sources in _sources_by_preset():
        for key, ref in sources.items():
            estimate = by_evidence.get(ref.evidence_id)
            if estimate is None:
                continue
            checked += 1
            assert estimate.citation in ref.note, f"{name}: {key}'s note should name the published estimate {estimate.citation!r}"
    # The Polish preset's churn and value, the service share everywhere, the spending cuts: all tied.
    assert checked >= 10


def test_the_decks_optional_slide_shows_each_published_figure_in_its_own_unit():
    import io

    from pptx import Presentation

    from estimator.figures.published import published_figure_text
    from estimator.reports import build_content, pptx_bytes
    from estimator.reports.pptx_report import SLIDE_COUNT

    params = Parameters(churn_rate=0.25)
    without = Presentation(io.BytesIO(pptx_bytes(build_content(params, draws=100))))
    assert len(without.slides) == SLIDE_COUNT
    content = build_content(params, draws=100, published=True, language="nl")
    deck = Presentation(io.BytesIO(pptx_bytes(content)))
    assert len(deck.slides) == SLIDE_COUNT + 1
    with language_scope("nl"):
        title = t("published.slide_title")
        slide = next(s for s in deck.slides if any(sh.has_text_frame and sh.text_frame.text == title for sh in s.shapes))
        table = next(sh.table for sh in slide.shapes if sh.has_table)
        cells = {row.cells[0].text: [cell.text for cell in row.cells] for row in table.rows}
        for estimate in ESTIMATES.values():
            # As published: "$41 bn" a year, "9,5%" of sales, never a market total over an implied base.
            shown = published_figure_text(estimate.published, estimate.unit, locale="nl_NL")
            assert cells[estimate.name][1] == shown
        texts = " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
        implied_shares = share_comparison(params).query("share_implied")["published_share"]
        for share in implied_shares:  # e.g. Genesys' 73 %, which read as "73 % of revenue lost"
            assert format_share(float(share), locale="nl_NL") not in texts + " ".join(map(str, cells.values()))
        assert format_share(float(evaluate(params).share_of_revenue), locale="nl_NL") in texts
        assert "9,5%" in texts  # the one published share of sales, beside the scenario's
    assert content.to_dict()["published"][-1]["id"] == "scenario"


def test_the_share_chart_draws_only_published_shares_of_sales():
    comparison = share_comparison(Parameters())
    figure = share_chart(comparison)
    drawn = {name for trace in figure.data for name in trace.y}
    assert drawn == set(comparison.loc[~comparison["share_implied"]].drop(index="scenario")["name"])
    assert "Genesys / Datamonitor" not in drawn


def test_cli_report_with_the_published_slide(tmp_path, capsys):
    from pptx import Presentation

    from estimator.reports.pptx_report import SLIDE_COUNT

    out = tmp_path / "deck.pptx"
    assert main(["report", "--out", str(out), "--published", "--draws", "100"]) == 0
    assert len(Presentation(str(out)).slides) == SLIDE_COUNT + 1

"""The HTML page: one self-contained file with the interactive charts, working offline and printable.

plotly.js is embedded inline once (no CDN, no external link), and each chart is a plotly
figure from :mod:`estimator.figures.charts` / :mod:`estimator.figures.uncertainty`. Every text a user
typed (scenario name, notes) is HTML-escaped; the figures carry it only as JSON data, which
plotly renders as text.
"""

from __future__ import annotations

from functools import cache

import plotly.graph_objects as go
import plotly.offline

from estimator.figures.charts import channel_waterfall, cross_check_bars
from estimator.figures.uncertainty import distribution_chart, levers_chart, levers_note, tornado_chart
from estimator.reports.content import ReportContent, finite, initiative_facts, source_grade_note, warning_texts
from estimator.reports.safety import escape_html
from estimator.text.formatting import format_count, format_money, format_parameter, format_share
from estimator.text.i18n import language_scope, param_label, t
from estimator.text.sentences import headline_figures

__all__ = ["html_bytes"]

_STYLE = """
:root { --ink: #1F2A44; --muted: #5B6475; --pale: #EEF1F6; --loss: #C0392B; }
* { box-sizing: border-box; }
body { font-family: "Source Sans Pro", Arial, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 24px; }
header { border-bottom: 3px solid var(--ink); margin-bottom: 16px; }
h1 { font-size: 30px; margin: 0 0 4px; } h2 { font-size: 22px; margin: 28px 0 6px; }
.scenario { font-size: 20px; color: var(--muted); margin: 0 0 12px; }
.lead { font-size: 18px; } .muted { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 12px; margin: 12px 0; }
.card { background: var(--pale); padding: 12px 16px; border-radius: 4px; }
.card .label { color: var(--muted); font-size: 14px; } .card .value { font-size: 28px; font-weight: 700; }
.warnings { border-left: 4px solid var(--loss); padding: 4px 12px; background: #FDF2F0; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th { background: var(--ink); color: white; text-align: left; padding: 6px; }
td { border-bottom: 1px solid var(--pale); padding: 5px 6px; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; }
table.initiative { max-width: 640px; } h3 { font-size: 18px; margin: 16px 0 6px; }
@media (max-width: 700px) {
  body { padding: 12px; }
  /* A figure stays on one line ("1,18 millió EUR"): two cards a row only where it fits, and
     minmax(0, 1fr) so a card never widens the page. */
  .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); } .card .value { font-size: 24px; }
  /* A wide table scrolls inside itself rather than widening the whole page on a phone. */
  table { display: block; overflow-x: auto; }
}
@media (max-width: 520px) { .cards { grid-template-columns: minmax(0, 1fr); } }
.notes { white-space: pre-wrap; background: var(--pale); padding: 8px 12px; }
footer { margin-top: 32px; font-size: 12px; color: var(--muted); }
@media print {
  body { max-width: none; padding: 0; font-size: 12px; }
  section { break-inside: avoid; page-break-inside: avoid; }
  .chart { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  @page { margin: 14mm; }
}
"""

_CHART_CONFIG = {"displayModeBar": False, "responsive": True}


@cache
def _plotly_js() -> str:
    """plotly.js itself, to embed inline (read once per process; about 4.6 MB)."""
    return plotly.offline.get_plotlyjs()


def _figure(figure: go.Figure, element_id: str) -> str:
    html = figure.to_html(full_html=False, include_plotlyjs=False, div_id=element_id, config=_CHART_CONFIG)
    return f'<div class="chart">{html}</div>'


def _section(title: str, body: str, lead: str = "") -> str:
    lead_html = f'<p class="lead">{escape_html(lead)}</p>' if lead else ""
    return f"<section><h2>{escape_html(title)}</h2>{lead_html}{body}</section>"


def _assumptions_table(content: ReportContent) -> str:
    headers = ("column_input", "column_value", "column_source", "column_grade", "column_note")
    rows = []
    for key, row in content.assumptions.iterrows():
        value = row["value"]
        shown = t(f"method.{value}") if key == "method" else format_parameter(key, value, content.currency, locale=content.locale)
        source, grade, note = source_grade_note(row)
        cells = (param_label(key), shown, source, grade, note)
        rows.append(
            "<tr>" + "".join(f"<td{' class=num' if i == 1 else ''}>{escape_html(c)}</td>" for i, c in enumerate(cells)) + "</tr>"
        )
    head = "".join(f"<th>{escape_html(t(f'assumptions.{h}'))}</th>" for h in headers)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _initiative_table(content: ReportContent) -> str:
    """The pay-back table the levers' text promises: the deck's facts of the priced initiative."""
    both = "rule" in content.levers and levers_note(str(content.levers["rule"].iloc[0])) is not None
    rows = "".join(
        f"<tr><td>{escape_html(label)}</td><td class=num>{escape_html(value)}</td></tr>"
        for label, value in initiative_facts(content, both_methods=both)
    )
    title = escape_html(t("report.initiative.title"))
    return f'<h3>{title}</h3><table class="initiative"><tbody>{rows}</tbody></table>'


def _page(content: ReportContent) -> str:
    est, params, mc = content.estimate, content.parameters, content.monte_carlo
    currency, locale = content.currency, content.locale
    money = lambda value: format_money(value, currency, locale=locale)  # noqa: E731
    name = content.scenario_name()
    share = est.share_of_revenue
    headline = (
        t("report.headline.takeaway", total=money(est.total), share=format_share(share, locale=locale))
        if finite(share)
        else t("report.headline.takeaway_no_share", total=money(est.total))
    )
    cards = [(figure.label, figure.value) for figure in headline_figures(est, params, locale=locale)]
    cards_html = (
        '<div class="cards">'
        + "".join(
            f'<div class="card"><div class="label">{escape_html(label)}</div><div class="value">{escape_html(value)}</div></div>'
            for label, value in cards
        )
        + "</div>"
    )
    warnings = warning_texts(content)
    warnings_html = (
        f'<div class="warnings"><strong>{escape_html(t("report.warnings_title"))}</strong><ul>'
        + "".join(f"<li>{escape_html(w)}</li>" for w in warnings)
        + "</ul></div>"
        if warnings
        else ""
    )
    notes_html = (
        _section(t("report.html.notes_title"), f'<div class="notes">{escape_html(content.notes)}</div>') if content.notes else ""
    )
    channel_names = {key: t(f"channel.{key}") for key in est.channels}
    labels = {key: param_label(key) for key in content.tornado.to_frame().index}
    levers_table = content.levers.assign(
        lever=[t(f"lever.{key}", default=row["lever"]) for key, row in content.levers.iterrows()]
    )
    implied = est.implied_service_share
    cross_lead = (
        t(
            "report.cross_check.takeaway",
            implied=format_share(implied, locale=locale),
            entered=format_share(params.service_share, locale=locale),
        )
        if finite(implied)
        else t("cross_check.reconcile_undefined")
    )
    p = mc.percentiles
    sections = [
        _section(t("report.headline.title"), f"{cards_html}{warnings_html}", headline),
        notes_html,
        _section(
            t("report.channels.title"),
            _figure(
                channel_waterfall(
                    est.channels, labels=channel_names, total_label=t("channel.total"), currency=currency, locale=locale
                ),
                "channels",
            ),
            t("report.pptx.notes.channels"),
        ),
        _section(
            t("report.html.cross_check_title"),
            _figure(
                cross_check_bars(
                    est.top_down_customers,
                    est.bottom_up_customers,
                    labels={"top_down": t("cross_check.top_down"), "bottom_up": t("cross_check.bottom_up")},
                    used=params.method,
                    locale=locale,
                ),
                "cross_check",
            ),
            cross_lead,
        ),
        _section(
            t("report.tornado.title"),
            _figure(
                tornado_chart(
                    content.tornado,
                    currency=currency,
                    labels=labels,
                    low_label=t("report.tornado.at_low"),
                    high_label=t("report.tornado.at_high"),
                    locale=locale,
                ),
                "tornado",
            ),
            t("report.pptx.notes.tornado", base=money(content.tornado.base)),
        ),
        _section(
            t("report.distribution.title"),
            _figure(
                distribution_chart(mc, currency=currency, locale=locale, point_label=t("report.distribution.point")),
                "distribution",
            )
            + _muted(
                t("report.pptx.notes.distribution", draws=format_count(mc.draws, locale=locale, compact=False), seed=mc.seed)
            ),
            t("report.distribution.takeaway", p5=money(p["p5"]), p50=money(p["p50"]), p95=money(p["p95"])),
        ),
        _section(
            t("report.levers.title"),
            _figure(levers_chart(levers_table, currency=currency, locale=locale), "levers") + _initiative_table(content),
            t("report.pptx.notes.levers"),
        ),
        _section(t("report.html.assumptions_title"), _assumptions_table(content), t("assumptions.intro")),
    ]
    if content.method_sentence:  # MODEL.md v3: how the client's data was used, in one sentence
        sections.insert(-1, _section(t("report.method.title"), f"<p>{escape_html(content.method_sentence)}</p>"))
    title = f"{t('report.title')} · {name}"
    prepared = t("report.prepared", date=content.created.isoformat(), currency=currency)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape_html(content.language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape_html(title)}</title><style>{_STYLE}</style>"
        f'<script type="text/javascript">{_plotly_js()}</script></head><body>'
        f"<header><h1>{escape_html(t('report.title'))}</h1>"
        f'<p class="scenario">{escape_html(name)} · {escape_html(prepared)}</p>'
        f'<p class="muted">{escape_html(t("report.html.intro"))}</p></header>'
        + "".join(sections)
        + f"<footer>{escape_html(t('report.html.generated', date=content.created.isoformat()))}</footer></body></html>"
    )


def _muted(text: str) -> str:
    return f'<p class="muted">{escape_html(text)}</p>'


def html_bytes(content: ReportContent) -> bytes:
    """The HTML page of ``content``, UTF-8 encoded (for a download button).

    Parameters
    ----------
    content : ReportContent

    Returns
    -------
    bytes
        One self-contained HTML document (plotly.js inline, no external references).
    """
    with language_scope(content.language):
        return _page(content).encode("utf-8")

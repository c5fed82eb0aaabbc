"""The deck: native, editable PowerPoint charts of the estimate, its uncertainty and its levers.

Every chart is a python-pptx chart object (the client can click it, edit its data in
PowerPoint and restyle it), never a picture. Each slide has speaker notes explaining the
method behind it. Amounts use :mod:`estimator.text.formatting` with the scenario's currency; chart
axes and data labels use a number format with the same currency symbol, so they stay right
when the client edits the numbers.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence

from babel import Locale
from babel.numbers import format_compact_decimal, get_currency_symbol
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Emu, Inches, Pt

from estimator.core.model import CHANNELS
from estimator.figures.published import published_figure_text
from estimator.figures.uncertainty import levers_note
from estimator.reports.content import (
    TORNADO_TOP,
    ReportContent,
    finite,
    initiative_facts,
    locale_tag,
    source_grade_note,
    warning_texts,
)
from estimator.text.formatting import format_count, format_money, format_parameter, format_share
from estimator.text.i18n import language_scope, param_label, t
from estimator.text.sentences import headline_figures

__all__ = ["SLIDE_COUNT", "chart_money_format", "locale_tag", "pptx_bytes"]

INK = RGBColor(0x1F, 0x2A, 0x44)
MUTED = RGBColor(0x5B, 0x64, 0x75)
LOSS = RGBColor(0xC0, 0x39, 0x2B)
GAIN = RGBColor(0x1E, 0x84, 0x49)
ACCENT = RGBColor(0x2E, 0x5E, 0xAA)
GREY = RGBColor(0x8E, 0x9A, 0xAF)
PALE = RGBColor(0xEE, 0xF1, 0xF6)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)

SLIDE_WIDTH, SLIDE_HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.55)
BODY_TOP = Inches(1.75)
BODY_WIDTH = SLIDE_WIDTH - 2 * MARGIN
BODY_HEIGHT = Inches(5.2)
#: The height of a one-line row of the assumptions table (a row that wraps is taller).
ROW_HEIGHT = Inches(0.29)
#: Title, headline, channels, cross-check, tornado, distribution, levers, then the assumptions
#: (two slides in English on the defaults; a language whose rows wrap more may need a third).
SLIDE_COUNT = 9


def chart_money_format(largest: float, currency: str, locale: str, *, significant: int | None = None) -> str:
    """A chart number format showing amounts compactly with the currency, e.g. ``"€"#,##0.0,,"M"``.

    Spreadsheet formats divide by a thousand per trailing comma, so the chart keeps the real
    amounts (editable) while it shows "€4.3M".

    Parameters
    ----------
    largest : float
        The largest absolute amount shown; it picks the unit.
    currency, locale : str
        The symbol and its side (before the number in English, after it in Polish); the unit
        words of the current language, spaced as the language writes them ("4,3 mln €").
    significant : int, optional
        Show this many significant digits of ``largest`` (for a data label: €486K and €462K stay
        apart, where one decimal of a million makes both "€0.5M"); by default (an axis) one
        decimal below ten units and none from ten.

    Returns
    -------
    str
        A format with a positive and a negative section, with the locale's prefix
        (:func:`~estimator.reports.content.locale_tag`).
    """
    symbol = get_currency_symbol(currency, locale=locale).replace('"', "")
    units = ((1e9, ",,,", t("report.unit.billion")), (1e6, ",,", t("report.unit.million")), (1e3, ",", t("report.unit.thousand")))
    scale, suffix, size = "", "", 1.0
    for unit_size, commas, word in units:
        if abs(largest) >= unit_size:
            scale, suffix, size = commas, word, unit_size
            break
    if significant is None:
        # Axis ticks: "€35M" when the amounts run to tens of units (steps are whole), "€2.5M" below.
        decimals = 1 if scale and abs(largest) / size < 10 else 0
    else:
        shown = abs(largest) / size
        decimals = max(0, significant - 1 - math.floor(math.log10(shown))) if shown > 0 else 0
        decimals = min(decimals, 2 if scale else 0)  # no fractions of a currency unit
    digits = "#,##0" + ("." + "0" * decimals if decimals else "")
    # "€4.3M" in English, "4,3 mln €" in Polish: the language's compact form says whether a space comes first.
    space = " " if re.search(r"\d\s", format_compact_decimal(1_500_000, locale=locale)) else ""
    number = f'{digits}{scale}"{space}{suffix}"' if suffix else digits
    before = Locale.parse(locale).currency_formats["standard"].pattern.startswith("¤")
    body = f'"{symbol}"{number}' if before else f'{number}" {symbol}"'
    tag = locale_tag(locale)
    return f"{tag}{body};{tag}-{body}"


def _text(slide, left, top, width, height, text: str, *, size: int = 16, bold: bool = False, color=INK, align=None):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    lines = text.split("\n")
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size = Pt(size)
        paragraph.font.bold = bold
        paragraph.font.color.rgb = color
        if align is not None:
            paragraph.alignment = align
    return box


#: Width of an average bold character in ems (DejaVu Sans Bold, LibreOffice's fallback, is among
#: the widest; Calibri in PowerPoint is narrower), with a margin for Greek and accented capitals.
_BOLD_EM = 0.68


def _one_line_size(text: str, width, *, largest: int, smallest: int = 18) -> int:
    """The largest font size (pt) up to ``largest`` at which bold ``text`` fits ``width`` on one line.

    Titles run longer in Polish, Hungarian or Greek than in English; a shrunk title is better
    than one that wraps into the text below it.
    """
    fitting = int(Emu(width).pt / (max(len(text), 1) * _BOLD_EM))
    return max(smallest, min(largest, fitting))


class _Deck:
    """The presentation being built, with its content and the language's formatting."""

    def __init__(self, content: ReportContent):
        self.content = content
        self.presentation = Presentation()
        self.presentation.slide_width, self.presentation.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
        self.blank = self.presentation.slide_layouts[6]

    def money(self, value: float, compact: bool = True) -> str:
        return format_money(value, self.content.currency, locale=self.content.locale, compact=compact)

    def share(self, value: float) -> str:
        return format_share(value, locale=self.content.locale)

    def count(self, value: float) -> str:
        return format_count(value, locale=self.content.locale)

    def slide(self, title: str, takeaway: str, notes: str):
        """A blank slide with a title, a one-line takeaway, a footer and speaker notes."""
        slide = self.presentation.slides.add_slide(self.blank)
        size = _one_line_size(title, BODY_WIDTH, largest=28)
        _text(slide, MARGIN, Inches(0.35), BODY_WIDTH, Inches(0.7), title, size=size, bold=True)
        _text(slide, MARGIN, Inches(1.05), BODY_WIDTH, Inches(0.6), takeaway, size=16, color=MUTED)
        name = self.content.scenario_name()
        footer = t("report.footer", scenario=name, date=self.content.created.isoformat())
        _text(slide, MARGIN, Inches(7.02), BODY_WIDTH, Inches(0.35), footer, size=10, color=GREY)
        slide.notes_slide.notes_text_frame.text = notes
        return slide

    def number_format(self, fmt: str) -> str:
        """``fmt`` with the documents' locale prefix, so LibreOffice writes "24,1%" in Polish."""
        tag = locale_tag(self.content.locale)
        return fmt if fmt.startswith("[$-") else tag + fmt

    def bar_chart(self, slide, kind, categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], box, fmt: str):
        fmt = self.number_format(fmt)
        data = CategoryChartData(number_format=fmt)
        data.categories = list(categories)
        for name, values in series:
            data.add_series(name, [None if v is None else float(v) for v in values])  # None: no bar
        left, top, width, height = box
        chart = slide.shapes.add_chart(kind, left, top, width, height, data).chart
        chart.font.size = Pt(12)
        chart.font.color.rgb = INK
        chart.has_title = False  # the slide's title and takeaway say what the chart shows
        chart.has_legend = len(series) > 1
        if chart.has_legend:
            chart.legend.position = XL_LEGEND_POSITION.BOTTOM
            chart.legend.include_in_layout = False
        value_axis = chart.value_axis
        # Bars start at zero (an axis starting at 33,000 would exaggerate a difference) unless some are negative.
        smallest = min((float(v) for _, values in series for v in values if v is not None), default=0.0)
        if smallest >= 0 and kind != XL_CHART_TYPE.BAR_CLUSTERED:
            value_axis.minimum_scale = 0
        value_axis.tick_labels.number_format = fmt
        value_axis.tick_labels.number_format_is_linked = False
        value_axis.has_major_gridlines = True
        value_axis.major_gridlines.format.line.color.rgb = PALE
        value_axis.format.line.fill.background()
        chart.category_axis.format.line.color.rgb = GREY
        chart.category_axis.tick_labels.font.size = Pt(12)
        value_axis.tick_labels.font.size = Pt(11)
        return chart


#: The elements that follow ``c:numFmt`` in a data label (CT_DLbl's sequence in the chart schema).
_AFTER_NUMBER_FORMAT = tuple(
    qn(f"c:{name}")
    for name in (
        "spPr",
        "txPr",
        "dLblPos",
        "showLegendKey",
        "showVal",
        "showCatName",
        "showSerName",
        "showPercent",
        "showBubbleSize",
        "separator",
        "extLst",
    )
)


def _set_label_format(label, number_format: str) -> None:
    """Give one point's data label its own number format (python-pptx sets it only for a whole series)."""
    element = label._get_or_add_dLbl()
    for old in element.findall(qn("c:numFmt")):
        element.remove(old)
    number = OxmlElement("c:numFmt")
    number.set("formatCode", number_format)
    number.set("sourceLinked", "0")
    following = next((child for child in element if child.tag in _AFTER_NUMBER_FORMAT), None)
    if following is None:
        element.append(number)
    else:
        following.addprevious(number)


def _color_series(series, color) -> None:
    series.format.fill.solid()
    series.format.fill.fore_color.rgb = color


def _title_slide(deck: _Deck) -> None:
    content = deck.content
    slide = deck.presentation.slides.add_slide(deck.blank)
    band = slide.shapes.add_shape(1, 0, 0, SLIDE_WIDTH, Inches(7.5))  # 1 = rectangle
    band.fill.solid()
    band.fill.fore_color.rgb = INK
    band.line.fill.background()
    title = t("report.title")
    size = _one_line_size(title, Inches(11.5), largest=40, smallest=26)
    _text(slide, Inches(0.9), Inches(2.0), Inches(11.5), Inches(1.2), title, size=size, bold=True, color=WHITE)
    name = content.scenario_name()
    _text(slide, Inches(0.9), Inches(3.25), Inches(11.5), Inches(0.8), name, size=26, color=WHITE)
    _text(slide, Inches(0.9), Inches(4.15), Inches(11.5), Inches(1.0), t("report.subtitle"), size=18, color=PALE)
    prepared = t("report.prepared", date=content.created.isoformat(), currency=content.currency)
    _text(slide, Inches(0.9), Inches(6.3), Inches(11.5), Inches(0.5), prepared, size=14, color=PALE)
    slide.notes_slide.notes_text_frame.text = t("report.pptx.notes.title")


def _headline_slide(deck: _Deck) -> None:
    est, params = deck.content.estimate, deck.content.parameters
    share = est.share_of_revenue
    takeaway = (
        t("report.headline.takeaway", total=deck.money(est.total), share=deck.share(share))
        if finite(share)
        else t("report.headline.takeaway_no_share", total=deck.money(est.total))
    )
    slide = deck.slide(t("report.headline.title"), takeaway, t("report.pptx.notes.headline", method=t(f"method.{params.method}")))
    figures = [(figure.label, figure.value) for figure in headline_figures(est, params, locale=deck.content.locale)]
    width, height, gap = Inches(3.9), Inches(1.45), Inches(0.3)
    for index, (label, value) in enumerate(figures):
        left = MARGIN + (index % 3) * (width + gap)
        top = BODY_TOP + (index // 3) * (height + gap)
        card = slide.shapes.add_shape(1, left, top, width, height)
        card.fill.solid()
        card.fill.fore_color.rgb = PALE
        card.line.fill.background()
        _text(slide, left + Inches(0.2), top + Inches(0.12), width - Inches(0.4), Inches(0.45), label, size=14, color=MUTED)
        _text(slide, left + Inches(0.2), top + Inches(0.55), width - Inches(0.4), Inches(0.8), value, size=32, bold=True)
    warnings = warning_texts(deck.content)[:3]
    if warnings:
        text = t("report.warnings_title") + "\n" + "\n".join(f"• {w}" for w in warnings)
        _text(slide, MARGIN, BODY_TOP + 2 * (height + gap), BODY_WIDTH, Inches(1.6), text, size=12, color=MUTED)


def _channels_slide(deck: _Deck) -> None:
    """A waterfall drawn as stacked columns: an invisible base lifts each channel to its running total."""
    est = deck.content.estimate
    channels = est.channels
    largest = max(channels, key=lambda k: channels[k])
    share = channels[largest] / est.total if est.total else math.nan
    takeaway = (
        t("report.channels.takeaway", channel=t(f"channel.{largest}"), share=deck.share(share))
        if finite(share)
        else t("report.channels.takeaway_none")
    )
    slide = deck.slide(t("report.channels.title"), takeaway, t("report.pptx.notes.channels"))
    categories = [t(f"channel.{key}") for key in CHANNELS] + [t("channel.total")]
    bases, losses, gains = [], [], []
    running = 0.0
    for key in CHANNELS:
        value = channels[key]
        after = running + value
        bases.append(min(running, after))
        losses.append(value if value >= 0 else 0.0)
        gains.append(-value if value < 0 else 0.0)
        running = after
    bases.append(min(0.0, est.total))
    losses.append(abs(est.total))
    gains.append(0.0)
    fmt = chart_money_format(max(abs(v) for v in [*losses, *bases, est.total, 1.0]), deck.content.currency, deck.content.locale)
    series = [(t("report.channels.base"), bases), (t("report.channels.loss"), losses), (t("report.channels.gain"), gains)]
    chart = deck.bar_chart(
        slide, XL_CHART_TYPE.COLUMN_STACKED, categories, series, (MARGIN, BODY_TOP, BODY_WIDTH, BODY_HEIGHT), fmt
    )
    chart.has_legend = False
    plot = chart.plots[0]
    plot.gap_width = 45
    base_series, loss_series, gain_series = plot.series
    base_series.format.fill.background()
    base_series.format.line.fill.background()
    _color_series(loss_series, LOSS)
    _color_series(gain_series, GAIN)
    total_point = loss_series.points[len(CHANNELS)]
    total_point.format.fill.solid()
    total_point.format.fill.fore_color.rgb = INK
    largest_bar = max([*losses, *gains, 1e-300])
    for values, series_obj in ((losses, loss_series), (gains, gain_series)):
        for index, value in enumerate(values):
            if value:
                label = series_obj.points[index].data_label
                label.has_text_frame = False
                label.show_value = True
                label.position = XL_LABEL_POSITION.INSIDE_END
                label.font.size = Pt(12)
                label.font.bold = True
                # A label that does not fit in a short bar spills over it: dark text stays readable there.
                label.font.color.rgb = WHITE if value >= 0.12 * largest_bar else INK
                # Each label in its own unit with three significant digits: "€486K" beside "€462K".
                _set_label_format(label, chart_money_format(value, deck.content.currency, deck.content.locale, significant=3))


def _cross_check_slide(deck: _Deck) -> None:
    est, params = deck.content.estimate, deck.content.parameters
    implied = est.implied_service_share
    takeaway = (
        t("report.cross_check.takeaway", implied=deck.share(implied), entered=deck.share(params.service_share))
        if finite(implied)
        else t("cross_check.reconcile_undefined")
    )
    notes = t("report.pptx.notes.cross_check", method=t(f"method.{params.method}"))
    slide = deck.slide(t("cross_check.title"), takeaway, notes)
    half = (BODY_WIDTH - Inches(0.4)) / 2
    count_format = deck.number_format("#,##0")
    methods = deck.bar_chart(
        slide,
        XL_CHART_TYPE.COLUMN_CLUSTERED,
        [t("cross_check.top_down"), t("cross_check.bottom_up")],
        [(t("report.cross_check.customers"), [est.top_down_customers, est.bottom_up_customers])],
        (MARGIN, BODY_TOP + Inches(0.5), Emu(int(half)), BODY_HEIGHT - Inches(0.5)),
        count_format,
    )
    plot = methods.plots[0]
    plot.gap_width = 80
    series = plot.series[0]
    for index, key in enumerate(("top_down", "bottom_up")):
        point = series.points[index]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = ACCENT if key == params.method else GREY
    plot.has_data_labels = True
    plot.data_labels.number_format = count_format
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
    plot.data_labels.font.size = Pt(14)
    plot.data_labels.font.bold = True
    _text(
        slide,
        MARGIN,
        BODY_TOP,
        Emu(int(half)),
        Inches(0.5),
        t("report.cross_check.methods", method=t(f"method.{params.method}")),
        size=13,
        color=MUTED,
    )
    groups = deck.bar_chart(
        slide,
        XL_CHART_TYPE.BAR_CLUSTERED,
        [t("cross_check.group_silent"), t("cross_check.group_unresolved"), t("cross_check.group_resolved")],
        [(t("report.cross_check.customers"), [est.bottom_up_silent, est.bottom_up_unresolved, est.bottom_up_resolved])],
        (MARGIN + Emu(int(half)) + Inches(0.4), BODY_TOP + Inches(0.5), Emu(int(half)), BODY_HEIGHT - Inches(0.5)),
        count_format,
    )
    if min(est.bottom_up_silent, est.bottom_up_unresolved, est.bottom_up_resolved) >= 0:
        groups.value_axis.minimum_scale = 0
    groups_plot = groups.plots[0]
    groups_plot.gap_width = 60
    _color_series(groups_plot.series[0], ACCENT)
    groups_plot.has_data_labels = True
    groups_plot.data_labels.number_format = count_format
    groups_plot.data_labels.number_format_is_linked = False
    groups_plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
    groups.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    _text(
        slide,
        MARGIN + Emu(int(half)) + Inches(0.4),
        BODY_TOP,
        Emu(int(half)),
        Inches(0.5),
        t("cross_check.groups_title"),
        size=14,
        color=MUTED,
    )


def input_source_summary(content: ReportContent) -> str:
    """ "From the client's file: ... Entered: ... Preset: ... Default: ..." (MODEL.md v3), labels in the language."""
    groups: dict[str, list[str]] = {label: [] for label in ("file", "entered", "preset", "default")}
    for key, row in content.assumptions.iterrows():
        groups.setdefault(str(row.get("input_source", "default")), []).append(param_label(key).lower())
    shown = {label: ", ".join(keys) or t("input_source.none") for label, keys in groups.items()}
    # "default" is t()'s own argument: the placeholder is {defaults}.
    return t(
        "input_source.summary", file=shown["file"], entered=shown["entered"], preset=shown["preset"], defaults=shown["default"]
    )


def _method_slide(deck: _Deck) -> None:
    """MODEL.md v3: how the client's data was used, in one sentence a CFO can read, and whose each input is."""
    slide = deck.slide(t("report.method.title"), t("report.method.takeaway"), t("report.method.notes"))
    _text(slide, MARGIN, BODY_TOP, BODY_WIDTH, Inches(2.6), deck.content.method_sentence, size=16)
    _text(
        slide, MARGIN, BODY_TOP + Inches(2.8), BODY_WIDTH, Inches(2.2), input_source_summary(deck.content), size=12, color=MUTED
    )


def _tornado_slide(deck: _Deck) -> None:
    tornado = deck.content.tornado
    rows = tornado.to_frame().head(TORNADO_TOP)
    leader = param_label(rows.index[0]) if len(rows) else ""
    takeaway = (
        t("report.tornado.takeaway", parameter=leader, swing=deck.money(float(rows["swing"].iloc[0])))
        if len(rows)
        else t("report.tornado.takeaway_none")
    )
    slide = deck.slide(t("report.tornado.title"), takeaway, t("report.pptx.notes.tornado", base=deck.money(tornado.base)))
    ordered = rows.iloc[::-1]  # a bar chart draws its first category at the bottom: largest swing on top
    low = [value - tornado.base for value in ordered["total_at_low"]]
    high = [value - tornado.base for value in ordered["total_at_high"]]
    fmt = chart_money_format(max([abs(v) for v in [*low, *high]] + [1.0]), deck.content.currency, deck.content.locale)
    tag = locale_tag(deck.content.locale)
    positive = fmt.split(";")[0].removeprefix(tag)
    delta_format = f"{tag}+{positive};{tag}-{positive};{tag}{positive}"
    chart = deck.bar_chart(
        slide,
        XL_CHART_TYPE.BAR_CLUSTERED,
        [param_label(key) for key in ordered.index],
        [(t("report.tornado.at_low"), low), (t("report.tornado.at_high"), high)],
        (MARGIN, BODY_TOP, BODY_WIDTH, BODY_HEIGHT),
        delta_format,
    )
    plot = chart.plots[0]
    plot.overlap = 100
    plot.gap_width = 40
    _color_series(plot.series[0], GAIN)
    _color_series(plot.series[1], LOSS)
    chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    chart.value_axis.has_title = True
    chart.value_axis.axis_title.text_frame.text = t("report.tornado.axis", base=deck.money(tornado.base))
    chart.value_axis.axis_title.text_frame.paragraphs[0].font.size = Pt(12)
    chart.value_axis.axis_title.text_frame.paragraphs[0].font.bold = False


def _distribution_slide(deck: _Deck) -> None:
    """Histogram columns; the bins holding P5, P50 and P95 are dark and labelled."""
    mc = deck.content.monte_carlo
    p = mc.percentiles
    takeaway = t("report.distribution.takeaway", p5=deck.money(p["p5"]), p95=deck.money(p["p95"]), p50=deck.money(p["p50"]))
    draws = format_count(mc.draws, locale=deck.content.locale, compact=False)
    notes = t("report.pptx.notes.distribution", draws=draws, seed=mc.seed)
    slide = deck.slide(t("report.distribution.title"), takeaway, notes)
    edges, counts = mc.histogram_edges, mc.histogram_counts
    total = counts.sum() or 1
    categories = [""] * len(counts)
    # Every bin keeps its count, but only a few round amounts are named ("€30M", "€40M"), each
    # under the bin holding it: 50 bin centres would not fit side by side, and odd ones read badly.
    for value in round_ticks(float(edges[0]), float(edges[-1])):
        index = int(min(max(np_searchsorted(edges, value) - 1, 0), len(counts) - 1))
        categories[index] = deck.money(value)
    chart_width = BODY_WIDTH - Inches(3.3)
    chart = deck.bar_chart(
        slide,
        XL_CHART_TYPE.COLUMN_CLUSTERED,
        categories,
        [(t("report.distribution.series"), counts / total)],
        (MARGIN, BODY_TOP, Emu(int(chart_width)), BODY_HEIGHT),
        "0%",
    )
    plot = chart.plots[0]
    plot.gap_width = 8
    series = plot.series[0]
    _color_series(series, ACCENT)
    chart.category_axis.tick_labels.font.size = Pt(11)
    chart.category_axis.has_title = True
    chart.category_axis.axis_title.text_frame.text = t("report.distribution.axis")
    chart.category_axis.axis_title.text_frame.paragraphs[0].font.size = Pt(12)
    chart.category_axis.axis_title.text_frame.paragraphs[0].font.bold = False
    marked: dict[int, list[str]] = {}
    for name in ("p5", "p50", "p95"):
        index = int(min(max(np_searchsorted(edges, p[name]) - 1, 0), len(counts) - 1))
        marked.setdefault(index, []).append(name.upper())
    for index, names in marked.items():
        point = series.points[index]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = INK
        label = point.data_label
        label.position = XL_LABEL_POSITION.OUTSIDE_END
        frame = label.text_frame
        frame.text = "/".join(names)
        frame.paragraphs[0].font.size = Pt(12)
        frame.paragraphs[0].font.bold = True
    side = MARGIN + Emu(int(chart_width)) + Inches(0.3)
    lines = [
        (t("uncertainty.p5"), deck.money(p["p5"])),
        (t("uncertainty.p50"), deck.money(p["p50"])),
        (t("report.distribution.p95"), deck.money(p["p95"])),
        (t("report.distribution.point"), deck.money(mc.point_estimate)),
        (t("report.distribution.mean"), deck.money(mc.mean)),
    ]
    top = BODY_TOP + Inches(0.2)
    for label_text, value in lines:
        _text(slide, side, top, Inches(3.0), Inches(0.35), label_text, size=12, color=MUTED)
        _text(slide, side, top + Inches(0.3), Inches(3.0), Inches(0.5), value, size=22, bold=True)
        top += Inches(0.9)


def round_ticks(low: float, high: float, most: int = 7) -> list[float]:
    """Round amounts between ``low`` and ``high``, at most ``most`` of them, a step of 1, 2, 2.5 or 5 × 10^k apart.

    >>> round_ticks(22.4e6, 80.1e6)
    [30000000.0, 40000000.0, 50000000.0, 60000000.0, 70000000.0, 80000000.0]
    """
    span = high - low
    if not (math.isfinite(span) and span > 0):
        return []
    magnitude = 10 ** math.floor(math.log10(span / most))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if span / (m * magnitude) <= most)
    first = math.ceil(low / step) * step
    ticks = (round(float(first + i * step), 9) for i in range(int((high - first) // step) + 1))
    return [tick for tick in ticks if tick <= high]


def np_searchsorted(edges, value: float) -> int:
    """The index of the first edge above ``value`` (numpy's right-sided search, as a plain int)."""
    import numpy as np

    return int(np.searchsorted(edges, value, side="right"))


def _levers_slide(deck: _Deck) -> None:
    content = deck.content
    table = content.levers.sort_values("recovered", ascending=True)
    best = table.index[-1]
    takeaway = t("report.levers.takeaway", lever=t(f"lever.{best}"), amount=deck.money(float(table["recovered"].iloc[-1])))
    slide = deck.slide(t("report.levers.title"), takeaway, t("report.pptx.notes.levers"))
    chart_width = Inches(7.4)
    values = list(table["recovered"])
    # Under top-down both values are shown, with the sentence saying how they relate (MODEL.md v2).
    note = levers_note(str(table["rule"].iloc[0])) if "rule" in table else None
    series_data = [(t("interventions.series_method") if note else t("report.levers.series"), values)]
    if note:
        series_data.append((t("interventions.series_bottom_up"), list(table["recovered_bottom_up"])))
    shown = [v for _, column in series_data for v in column]
    fmt = chart_money_format(max([abs(v) for v in shown] + [1.0]), content.currency, content.locale)
    chart_height = BODY_HEIGHT - (Inches(0.75) if note else 0)
    chart = deck.bar_chart(
        slide,
        XL_CHART_TYPE.BAR_CLUSTERED,
        [t(f"lever.{key}", default=row["lever"]) for key, row in table.iterrows()],
        series_data,
        (MARGIN, BODY_TOP, chart_width, chart_height),
        fmt,
    )
    if note:
        _text(slide, MARGIN, BODY_TOP + chart_height + Inches(0.05), chart_width, Inches(0.7), note, size=12, color=MUTED)
    plot = chart.plots[0]
    plot.gap_width = 50
    if note:
        _color_series(plot.series[1], GREY)
        plot.series[1].invert_if_negative = False
    series = plot.series[0]
    _color_series(series, GAIN)
    series.invert_if_negative = False
    for index, value in enumerate(values):
        if value < 0:
            point = series.points[index]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = LOSS
    chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    chart.category_axis.tick_labels.font.size = Pt(11)
    facts = initiative_facts(content, both_methods=bool(note))
    left = MARGIN + chart_width + Inches(0.3)
    width = BODY_WIDTH - chart_width - Inches(0.3)
    _text(slide, left, BODY_TOP, width, Inches(0.4), t("report.initiative.title"), size=16, bold=True)
    shape = slide.shapes.add_table(len(facts), 2, left, BODY_TOP + Inches(0.5), width, Inches(0.4) * len(facts))
    grid = shape.table
    grid.columns[0].width = Emu(int(width * 0.55))
    grid.columns[1].width = Emu(int(width - grid.columns[0].width))
    grid.first_row = False
    for row, (label, value) in enumerate(facts):
        for col, text in enumerate((label, value)):
            cell = grid.cell(row, col)
            cell.text = text
            cell.fill.solid()
            cell.fill.fore_color.rgb = PALE if row % 2 == 0 else WHITE
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            paragraph = cell.text_frame.paragraphs[0]
            paragraph.font.size = Pt(12)
            paragraph.font.color.rgb = INK
            paragraph.font.bold = col == 1
            if col == 1:
                paragraph.alignment = PP_ALIGN.RIGHT


def _header_row(grid, headers: Sequence[str], *, size: int, right: Sequence[int] = ()) -> None:
    """A table's first row: white bold headers on ink, columns ``right`` aligned right (figures)."""
    for col, header in enumerate(headers):
        cell = grid.cell(0, col)
        cell.text = header
        cell.fill.solid()
        cell.fill.fore_color.rgb = INK
        paragraph = cell.text_frame.paragraphs[0]
        paragraph.font.size, paragraph.font.bold, paragraph.font.color.rgb = Pt(size), True, WHITE
        if col in right:
            paragraph.alignment = PP_ALIGN.RIGHT


def _published_slide(deck: _Deck) -> None:
    """Each publication's figure in its own unit, reproduced and through the whole model (optional, MODEL.md v2).

    A market's yearly total ("$41 bn") is not a share of one firm's revenue: only a published
    share of sales is set beside the scenario's share, in the takeaway.
    """
    content = deck.content
    table = content.published
    rows = table.drop(index="scenario")
    est = content.estimate
    shares = rows[~rows["share_implied"].astype(bool)]
    if len(shares):
        first = shares.iloc[0]
        takeaway = t(
            "published.slide_takeaway",
            share=deck.share(est.share_of_revenue),
            total=deck.money(est.total),
            source=first["name"],
            published=published_figure_text(float(first["published"]), "share", locale=content.locale),
        )
    else:
        takeaway = t("published.slide_takeaway_totals", share=deck.share(est.share_of_revenue), total=deck.money(est.total))
    slide = deck.slide(t("published.slide_title"), takeaway, t("published.slide_notes"))
    headers = (
        t("published.column_source"),
        t("published.column_published"),
        t("published.column_kind"),
        t("published.column_reproduced"),
        t("published.column_whole_model"),
    )
    widths = (0.26, 0.19, 0.21, 0.17, 0.17)
    row_height = Inches(0.55)
    top = BODY_TOP + Inches(0.4)  # below a takeaway of up to three lines (Greek runs long)
    shape = slide.shapes.add_table(len(rows) + 1, len(headers), MARGIN, top, BODY_WIDTH, row_height * (len(rows) + 1))
    grid = shape.table
    for col, share in enumerate(widths):
        grid.columns[col].width = Emu(int(BODY_WIDTH * share))
    _header_row(grid, headers, size=13, right=(1, 3, 4))
    for index, (_, row) in enumerate(rows.iterrows(), start=1):
        unit = str(row["unit"])
        figure = lambda value, unit=unit: published_figure_text(float(value), unit, locale=content.locale)  # noqa: E731
        kind = t("published.kind_total") if bool(row["share_implied"]) else t("published.kind_share")
        cells = (row["name"], figure(row["published"]), kind, figure(row["reproduced"]), figure(row["whole_model"]))
        for col, text in enumerate(cells):
            cell = grid.cell(index, col)
            cell.text = str(text)
            cell.fill.solid()
            cell.fill.fore_color.rgb = PALE if index % 2 == 0 else WHITE
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            paragraph = cell.text_frame.paragraphs[0]
            paragraph.font.size, paragraph.font.color.rgb = Pt(14), INK
            paragraph.font.bold = col == 1
            if col in (1, 3, 4):
                paragraph.alignment = PP_ALIGN.RIGHT
        grid.rows[index].height = row_height
    grid.rows[0].height = row_height
    caption_top = top + row_height * (len(rows) + 1) + Inches(0.3)
    _text(slide, MARGIN, caption_top, BODY_WIDTH, Inches(0.8), t("published.slide_caption"), size=12, color=MUTED)


#: The assumptions table: column shares of the body's width and font sizes (pt).
_ASSUMPTION_WIDTHS = (0.31, 0.09, 0.39, 0.21)
_ASSUMPTION_SIZES = (11, 11, 10, 11)
#: Average character width in ems of DejaVu Sans, LibreOffice's fallback font (wider than Calibri).
_TEXT_EM = 0.56
_CELL_MARGIN = Inches(0.03)
#: Room for the table: from the body's top to a little above the footer (at 7.02 in).
_TABLE_ROOM = Inches(7.02 - 0.15) - BODY_TOP


def _row_height(texts: Sequence[str]) -> int:
    """The height (EMU) a row of the assumptions table takes once its cells wrap, estimated from its text."""
    lines = 1
    for text, share, size in zip(texts, _ASSUMPTION_WIDTHS, _ASSUMPTION_SIZES, strict=True):
        usable = Emu(int(BODY_WIDTH * share)).pt - 2 * 7.2  # python-pptx's default left and right cell margins
        per_line = max(1, int(usable / (size * _TEXT_EM)))
        lines = max(lines, sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n")))
    height = Pt(lines * max(_ASSUMPTION_SIZES) * 1.2) + 2 * _CELL_MARGIN
    return max(int(ROW_HEIGHT), int(height))


def _pages(heights: Sequence[int], room: int | None = None) -> list[range]:
    """The rows split into as few slides as fit under the footer, as evenly as possible by height.

    Splitting by row count pushed the table to a third slide when one row wraps to three lines (a
    volume scaled with the customers), leaving the other slides half empty; the breaks are placed
    where the running height reaches each page's even share instead.
    """
    room = int(_TABLE_ROOM - ROW_HEIGHT) if room is None else room  # less the header row
    total = sum(heights)
    count = max(1, math.ceil(total / room))
    while count < len(heights):
        starts, running = [0], 0
        for index, height in enumerate(heights):
            if index > starts[-1] and running + height / 2 > total * len(starts) / count:
                starts.append(index)
            running += height
        pages = [range(start, end) for start, end in zip(starts, [*starts[1:], len(heights)], strict=True)]
        if all(sum(heights[i] for i in page) <= room for page in pages):
            return pages
        count += 1
    return [range(index, index + 1) for index in range(len(heights))]


def _assumption_slides(deck: _Deck) -> None:
    content = deck.content
    rows = []
    for key, row in content.assumptions.iterrows():
        value = row["value"]
        shown = t(f"method.{value}") if key == "method" else format_parameter(key, value, content.currency, locale=content.locale)
        source, grade, _ = source_grade_note(row)
        rows.append((param_label(key), shown, source, grade))
    heights = [_row_height(texts) for texts in rows]
    pages = _pages(heights)
    headers = (
        t("assumptions.column_input"),
        t("assumptions.column_value"),
        t("assumptions.column_source"),
        t("assumptions.column_grade"),
    )
    for number, page in enumerate(pages, start=1):
        title = t("report.assumptions.title", page=number, pages=len(pages))
        slide = deck.slide(title, t("assumptions.intro"), t("report.pptx.notes.assumptions"))
        table_height = ROW_HEIGHT + sum(heights[i] for i in page)
        shape = slide.shapes.add_table(len(page) + 1, 4, MARGIN, BODY_TOP, BODY_WIDTH, Emu(int(table_height)))
        grid = shape.table
        grid.rows[0].height = ROW_HEIGHT
        for offset, index in enumerate(page, start=1):
            grid.rows[offset].height = Emu(heights[index])
        for col, share in enumerate(_ASSUMPTION_WIDTHS):
            grid.columns[col].width = Emu(int(BODY_WIDTH * share))
        _header_row(grid, headers, size=12)
        for offset, index in enumerate(page, start=1):
            for col, text in enumerate(rows[index]):
                cell = grid.cell(offset, col)
                cell.text = str(text)
                cell.fill.solid()
                cell.fill.fore_color.rgb = PALE if offset % 2 == 0 else WHITE
                cell.margin_top = cell.margin_bottom = _CELL_MARGIN
                paragraph = cell.text_frame.paragraphs[0]
                paragraph.font.size = Pt(_ASSUMPTION_SIZES[col])
                paragraph.font.color.rgb = INK
                cell.vertical_anchor = MSO_ANCHOR.MIDDLE
                if col == 1:
                    paragraph.alignment = PP_ALIGN.RIGHT


def pptx_bytes(content: ReportContent) -> bytes:
    """The deck of ``content`` as bytes (for a download button).

    Parameters
    ----------
    content : ReportContent

    Returns
    -------
    bytes
        A .pptx file of :data:`SLIDE_COUNT` slides (one more with ``content.published``, one more
        with ``content.method_sentence``),
        every chart a native chart object.
    """
    with language_scope(content.language):
        deck = _Deck(content)
        _title_slide(deck)
        _headline_slide(deck)
        _channels_slide(deck)
        _cross_check_slide(deck)
        if content.method_sentence:  # a scenario calibrated from the client's file
            _method_slide(deck)
        _tornado_slide(deck)
        _distribution_slide(deck)
        _levers_slide(deck)
        if content.published is not None:
            _published_slide(deck)
        _assumption_slides(deck)
        buffer = io.BytesIO()
        deck.presentation.save(buffer)
    return buffer.getvalue()

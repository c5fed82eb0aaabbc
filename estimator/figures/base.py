"""What every figure shares: the palette, the font, the layout and the small helpers of axes and labels.

The figure modules (:mod:`~estimator.figures.charts`, :mod:`~estimator.figures.uncertainty`,
:mod:`~estimator.figures.scenarios`, :mod:`~estimator.figures.published`) build on these, so a
chart added later looks like the others without importing another module's private helpers.
"""

from __future__ import annotations

from functools import cache

import plotly.graph_objects as go
from babel import Locale

__all__ = [
    "COLORS",
    "FONT",
    "SERIES_COLORS",
    "TEMPLATE",
    "WATERFALL_COLORS",
    "apply_layout",
    "base_layout",
    "figure_from_dicts",
    "money_ticks",
    "plotly_separators",
    "value_axis",
    "value_range",
    "wrap",
]

#: One palette for every chart: losses in warm reds, totals in ink, savings in green.
COLORS = {
    "loss": "#C0392B",
    "gain": "#1E8449",
    "total": "#1F2A44",
    "muted": "#8E9AAF",
    "accent": "#2E5EAA",
}
#: Lines of several series (the spider chart): hues far apart on the wheel and safe for colour-blind
#: readers (Paul Tol's "bright" scheme), so no two neighbouring lines look alike.
SERIES_COLORS = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB", "#000000")
#: A waterfall's colours: increases, decreases, totals and the dotted connectors.
WATERFALL_COLORS = {
    "increasing": {"marker": {"color": COLORS["loss"]}},
    "decreasing": {"marker": {"color": COLORS["gain"]}},
    "totals": {"marker": {"color": COLORS["total"]}},
    "connector": {"line": {"color": COLORS["muted"], "width": 1, "dash": "dot"}},
}
FONT = {"family": "Source Sans Pro, Arial, sans-serif", "size": 14, "color": "#1F2A44"}
_AXIS = {
    # Room for the tick labels and titles: without it, long labels are cut at the figure's edge.
    "automargin": True,
    "gridcolor": "#EEF1F6",
    "linecolor": COLORS["muted"],
    "ticks": "",
    "title": {"standoff": 12},
    "zerolinecolor": COLORS["muted"],
}
#: The template every figure carries. A figure without one takes the process's default
#: (``plotly.io.templates.default``), which Streamlit replaces by its own when it is imported:
#: the same figure then lays out differently in the app, in a page downloaded from the app and
#: in the CLI's page (axis labels cut where the default has no automargin). Layout only: the
#: traces keep plotly.js's own defaults, the same everywhere.
TEMPLATE = {
    "layout": {
        "colorway": ["#2E5EAA", "#C0392B", "#1E8449", "#E67E22", "#8E44AD", "#17A589", "#B7950B", "#5D6D7E", "#D63384"],
        "font": dict(FONT),
        "hovermode": "closest",
        "hoverlabel": {"align": "left"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "title": {"x": 0, "xanchor": "left"},
        "xaxis": _AXIS,
        "yaxis": _AXIS,
    }
}


def wrap(label: str, width: int = 10) -> str:
    """Break a long axis label over lines (plotly does not wrap), so labels need no rotation.

    >>> wrap("Customers who spend less")
    'Customers<br>who spend<br>less'
    """
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def value_range(values: list[float], headroom: float = 0.3) -> list[float]:
    """An axis range with room beyond the bars for the amounts written outside them."""
    low, high = min(0.0, *values), max(0.0, *values)
    span = (high - low) or 1.0
    return [low - headroom * span if low < 0 else 0.0, high + headroom * span if high > 0 else 0.0]


def plotly_separators(locale: str) -> str:
    """Plotly's ``separators`` for a locale: its decimal mark, then its group mark (",\xa0" for Polish).

    >>> plotly_separators("en"), plotly_separators("nl")
    ('.,', ',.')
    """
    symbols = Locale.parse(locale).number_symbols["latn"]
    return symbols["decimal"] + symbols["group"]


def money_ticks(low: float, high: float, currency: str, *, locale: str, count: int = 5) -> dict:
    """An amount axis's ticks as the locale writes amounts ("4 mln zł", "4 εκ. €"), not plotly's "4M".

    Round 1-2-5 steps over ``low``..``high``; pass the result to ``update_xaxes``/``update_yaxes``.

    >>> money_ticks(3.2e6, 9.1e6, "PLN", locale="pl")["ticktext"]
    ['4\xa0mln\xa0zł', '6\xa0mln\xa0zł', '8\xa0mln\xa0zł']
    """
    import math

    from estimator.text.formatting import format_money

    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return {}
    raw = (high - low) / max(count - 1, 1)
    exponent = math.floor(math.log10(raw))
    step = next(m * 10.0**exponent for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * 10.0**exponent >= raw)
    first = math.ceil(low / step) * step
    values = [first + i * step for i in range(int((high - first) // step) + 1)]
    return {"tickvals": values, "ticktext": [format_money(v, currency, locale=locale) for v in values], "tickformat": None}


def apply_layout(figure: go.Figure, *, title: str | None, height: int, locale: str | None = None) -> go.Figure:
    """The shared look on a figure built with plotly's validating API: title, white ground, font, margins."""
    if locale is not None:
        # Numbers plotly writes itself (hover texts, axis ticks) in the locale's marks.
        figure.update_layout(separators=plotly_separators(locale))
    # A template built once and assigned as an object: validating its dict costs 20 ms a figure.
    figure.layout.template = _template()
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"} if title else None,
        plot_bgcolor="white",
        paper_bgcolor="white",
        font=FONT,
        height=height,
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        showlegend=False,
    )
    return figure


@cache
def _template() -> go.layout.Template:
    """:data:`TEMPLATE` as plotly's validated object (built once per process)."""
    return go.layout.Template(TEMPLATE)


def base_layout(*, title: str | None, height: int, locale: str | None) -> dict:
    """The layout :func:`apply_layout` gives, as a plain dict (for :func:`figure_from_dicts`)."""
    layout: dict = {} if locale is None else {"separators": plotly_separators(locale)}
    layout.update(
        template=TEMPLATE,
        title={"text": title, "x": 0, "xanchor": "left"} if title else {},
        plot_bgcolor="white",
        paper_bgcolor="white",
        font=dict(FONT),
        height=height,
        margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        showlegend=False,
    )
    return layout


def value_axis(value_range: list[float]) -> dict:
    """The axis of the amounts: no ticks or grid (the bars carry their amounts), a zero line."""
    return {"showticklabels": False, "showgrid": False, "zeroline": True, "zerolinecolor": COLORS["muted"], "range": value_range}


def figure_from_dicts(trace: dict, layout: dict) -> go.Figure:
    """A figure from one trace and a layout written as plain dicts, without plotly's validation.

    Validating each property (and ``update_layout``'s path parsing) cost about 40 ms a figure,
    most of an app rerun after a slider move. The dicts here are fixed in code and hold only
    documented plotly properties, and tests compare the result with plotly's validated
    figure, so nothing is lost; later changes to the figure are validated as usual.
    """
    figure = go.Figure({"data": [trace], "layout": layout}, _validate=False)
    figure._validate = True  # only the construction skips validation
    return figure

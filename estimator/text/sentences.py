"""What the interactive views say, worded once for the Streamlit app and the notebook app alike.

The headline sentence and its six figures, the channel names and an input's help (meaning,
source, evidence grade). The model's warnings and the message about a typed value that cannot
be used are rendered by :mod:`estimator.text.messages` (re-exported here). Every text comes from
the i18n catalogues in the current language (:func:`estimator.text.i18n.use_language` /
:func:`~estimator.text.i18n.language_scope`); figures are written with :mod:`estimator.text.formatting`
for the given Babel ``locale``. Nothing here draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from estimator.controls import control_for, entry_problem_text
from estimator.core.model import CHANNEL_SPECS, CHANNELS
from estimator.core.outputs import HEADLINE_OUTPUTS, HeadlineOutput
from estimator.core.parameters import NUMERIC_KEYS, PARAMETER_SPECS, Parameters
from estimator.core.result import Estimate
from estimator.library import Preset
from estimator.text.formatting import (
    format_count,
    format_count_delta,
    format_money,
    format_money_delta,
    format_parameter,
    format_share,
    format_share_points_delta,
)
from estimator.text.i18n import grade_label, param_description, t
from estimator.text.messages import allowed_range, warning_text

if TYPE_CHECKING:
    from estimator.calibration import Calibration  # duckdb and pandas: not for the first screen

__all__ = [
    "HeadlineFigure",
    "allowed_range",
    "channel_labels",
    "entry_problem_text",
    "headline_figures",
    "headline_sentence",
    "largest_channel_text",
    "parameter_help",
    "provenance_description",
    "warning_text",
]


@dataclass(frozen=True)
class HeadlineFigure:
    """One headline figure as shown: label, compact value, exact value, change since the baseline."""

    key: str
    label: str
    value: str
    help: str
    delta: str | None


def headline_figures(est: Estimate, params: Parameters, *, locale: str, baseline: Estimate | None = None) -> list[HeadlineFigure]:
    """The six headline figures of a scenario, with their change since ``baseline`` (if any).

    Returns
    -------
    list of HeadlineFigure
        Yearly revenue lost, share of revenue, customers lost, profit lost, value at risk over
        the horizon and the cost of replacing lost customers, in that order.

    Examples
    --------
    >>> from estimator import estimate, Parameters
    >>> [figure.value for figure in headline_figures(estimate(Parameters()), Parameters(), locale="en")][:3]
    ['€6.11M', '10.2%', '8,998']
    """
    currency, base = params.currency, baseline

    def figure(item: HeadlineOutput) -> HeadlineFigure:
        value = getattr(est, item.output)
        before = getattr(base, item.output) if base else None
        label = t(f"metric.{item.metric}.label", **item.label_arguments(params))
        if item.kind == "share":
            delta = None
            if before is not None and math.isfinite(value) and math.isfinite(before):
                delta = t("delta.points", value=format_share_points_delta(value - before, locale=locale))
            return HeadlineFigure(item.metric, label, format_share(value, locale=locale), t(f"metric.{item.metric}.help"), delta)
        if item.kind == "count":
            shown, exact = format_count(value, locale=locale), format_count(value, locale=locale, compact=False)
            delta = format_count_delta(value - before, locale=locale) if base else None
        else:
            shown = format_money(value, currency, locale=locale)
            exact = format_money(value, currency, locale=locale, compact=False)
            delta = format_money_delta(value - before, currency, locale=locale) if base else None
        return HeadlineFigure(item.metric, label, shown, t(f"metric.{item.metric}.help", exact=exact), delta)

    # The figures and their order are data/outputs.toml's (estimator.core.outputs).
    return [figure(item) for item in HEADLINE_OUTPUTS]


def headline_sentence(est: Estimate, currency: str, *, locale: str) -> str:
    """The result in one sentence (Markdown): how much is lost a year and what share of revenue that is.

    >>> from estimator import estimate
    >>> headline_sentence(estimate(), "EUR", locale="en")
    '**€6.11M** lost every year to poor customer service: **10.2%** of revenue.'
    """
    total = format_money(est.total, currency, locale=locale)
    if math.isfinite(est.share_of_revenue):
        return t("headline.sentence", total=total, share=format_share(est.share_of_revenue, locale=locale))
    return t("headline.sentence_no_share", total=total)


def largest_channel_text(est: Estimate, *, locale: str) -> str | None:
    """Where most of the money goes ("Most of it is lost through …"), or ``None`` when nothing is lost."""
    if est.total <= 0:
        return None
    name = max(CHANNELS, key=lambda channel: est.channels[channel])
    share = est.channels[name] / est.total
    return t("headline.largest", channel=t(f"channel.{name}").lower(), share=format_share(share, locale=locale, digits=0))


def channel_labels() -> dict[str, str]:
    """The name of each channel, and of the total, in the current language."""
    return {**{channel.name: t(channel.label_key) for channel in CHANNEL_SPECS}, "total": t("channel.total")}


def parameter_help(key: str, preset: Preset, params: Parameters, *, locale: str) -> str:
    """What a parameter means and where the preset's value comes from (source, evidence grade).

    Says so when the value differs from the preset's, and, for a slider narrower than the valid
    range, how far the exact box goes.
    """
    currency = params.currency
    ref = preset.sources[key]
    source = t("source.assumption") if ref.is_assumption else ref.citation
    grade = t("source.grade_assumption") if ref.is_assumption else grade_label(ref.grade)
    template = "help.parameter_changed" if params[key] != preset.parameters[key] else "help.parameter"
    text = t(
        template,
        description=param_description(key),
        value=format_parameter(key, preset.parameters[key], currency, locale=locale),
        source=source,
        grade=grade,
        note=ref.note_for(params, currency, locale=locale),
    )
    control = control_for(key) if key in NUMERIC_KEYS else None
    if control is not None and control.kind == "linear" and control.slider_max < control.valid_max and not control.integer:
        spec = PARAMETER_SPECS[key]
        text += "\n\n" + t(
            "help.slider_range",
            low=format_parameter(key, control.slider_min, currency, locale=locale),
            high=format_parameter(key, control.slider_max, currency, locale=locale),
            max=format_parameter(key, spec.max, currency, locale=locale),
        )
    return text


def provenance_description(result: Calibration, key: str, source: str, currency: str, locale: str) -> str:
    """What the record of a calibrated input says: the file, its rows and the estimate's 95 % interval
    (and, for the service share, the churn reasons classed by hand)."""
    rows = format_count(result.rows, locale=locale, compact=False)
    item = result.estimates[key]
    if key == "customers" or not (math.isfinite(item.ci_low) and math.isfinite(item.ci_high)):
        return t("calibration.provenance_detail_rows", source=source, rows=rows)
    spec = PARAMETER_SPECS[key]
    low, high = (float(min(max(bound, spec.min), spec.max)) for bound in (item.ci_low, item.ci_high))
    text = t(
        "calibration.provenance_detail",
        source=source,
        rows=rows,
        low=format_parameter(key, low, currency, locale=locale),
        high=format_parameter(key, high, currency, locale=locale),
    )
    if getattr(result, "dropped", None):
        columns = ", ".join(f"'{d['column']}' {format_count(d['rows'], locale=locale, compact=False)}" for d in result.dropped)
        text += "; " + t("calibration.app.provenance_dropped", columns=columns)
    if key == "service_share" and result.reason_overrides:
        classes = "; ".join(
            f"{reason} = {t('calibration.reason_class.' + name)}" for reason, name in result.reason_overrides.items()
        )
        text += "; " + t("calibration.provenance_reasons", classes=classes)
    return text

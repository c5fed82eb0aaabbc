"""The uncertainty tab: which assumptions matter, how sure the figure is, what fixing is worth.

The tab is a fragment: its own controls (draws, seed, ranges, an initiative) rerun only this
panel. A slider in the sidebar reruns the page, and the tab recomputes from the cached
analyses. All figures come from :mod:`estimator.analysis.sensitivity`; nothing is computed here.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from estimator import CHANNELS, PARAMETER_SPECS, ParameterError, Parameters
from estimator.analysis.registry import run_analysis
from estimator.analysis.sensitivity import (
    DEFAULT_DRAWS,
    DEFAULT_INITIATIVE_ONE_OFF,
    DEFAULT_INITIATIVE_YEARLY,
    DEFAULT_SEED,
    MAX_DRAWS,
    SOBOL_BASE_SAMPLES,
    UncertaintyRanges,
    default_initiative_changes,
    initiative_roi,
)
from estimator.controls import control_for
from estimator.core.parameters import NUMERIC_KEYS
from estimator.figures.uncertainty import (
    distribution_chart,
    heatmap_chart,
    levers_chart,
    levers_note,
    sobol_chart,
    spider_chart,
    tornado_chart,
)
from estimator.session import CALIBRATED_RANGE, SAVED_RANGE, USER_RANGE
from estimator.text.formatting import format_count, format_money, format_parameter, format_share, is_currency_parameter
from estimator.text.i18n import param_label, t
from ui import state
from ui.context import Context
from ui.number_entry import number_entry
from ui.plots import show_chart

__all__ = ["render_uncertainty"]

DRAW_CHOICES = (DEFAULT_DRAWS, 100_000, MAX_DRAWS)
#: Custom (low, high) ranges the user typed, by parameter; kept for the session only.
RANGES_KEY = state.CUSTOM_RANGES
SOBOL_N = SOBOL_BASE_SAMPLES


# --- Cached analyses: keyed by plain data, so a rerun with the same inputs costs nothing ---------


@st.cache_data(max_entries=32, show_spinner=False)
def _ranges(params_key: tuple, custom: tuple, reasons: tuple = ()) -> UncertaintyRanges:
    return UncertaintyRanges.around(Parameters(dict(params_key)), dict(custom), dict(reasons))


@st.cache_data(max_entries=64, show_spinner=False)
def _analysed(name: str, params_key: tuple, custom: tuple, **options: Any) -> Any:
    """Analysis ``name`` of the registry (estimator.analysis.registry.ANALYSES) with ``options``."""
    return run_analysis(name, Parameters(dict(params_key)), _ranges(params_key, custom), options)


# --- Ranges the user edits -----------------------------------------------------------------------

#: The session's reasons for a custom range, kept in English as saved libraries hold them: worded at display.
RANGE_REASON_KEYS = {
    USER_RANGE: "uncertainty.reason_user",
    CALIBRATED_RANGE: "uncertainty.reason_calibrated",
    SAVED_RANGE: "uncertainty.reason_saved",
}


def _reason_label(reason: str) -> str:
    """A range's reason in the app's language (a default range's reason is shown as data/uncertainty.toml has it)."""
    key = RANGE_REASON_KEYS.get(reason)
    return t(key) if key else reason


def _valid_custom_ranges(params: Parameters) -> tuple[tuple[tuple[str, tuple[float, float]], ...], list[str]]:
    """The user's ranges that fit the current scenario (:func:`ui.state.checked_ranges`), and a
    message for each that does not, naming it (the default range is used instead)."""
    usable, set_aside = state.checked_ranges(params)
    problems = [
        t(
            "uncertainty.range_problem",
            parameter=param_label(p.parameter),
            low=bounds[0],
            high=bounds[1],
            reason=p.reason,
            allowed=p.allowed,
        )
        for bounds, p in set_aside
    ]
    return tuple(sorted(usable.items())), problems


def _render_range_editor(ctx: Context, ranges: UncertaintyRanges) -> None:
    frame = ranges.to_frame()
    # Shown and typed in the sidebar's units: shares in percent (a "unit" column says which); model units kept.
    scale = pd.Series({key: control_for(key).scale for key in frame.index}, dtype=float)
    table = pd.DataFrame(
        {
            "parameter": [param_label(key) for key in frame.index],
            "unit": ["%" if scale[key] != 1 else ctx.currency if is_currency_parameter(key) else "" for key in frame.index],
            "low": (frame["low"] * scale).round(10),
            "most_likely": (frame["most_likely"] * scale).round(10),
            "high": (frame["high"] * scale).round(10),
            "reason": [_reason_label(reason) for reason in frame["reason"]],
        },
        index=frame.index,
    )
    edited = st.data_editor(
        table,
        key=state.RANGE_EDITOR,
        hide_index=True,
        disabled=["parameter", "unit", "most_likely", "reason"],
        column_config={
            "parameter": t("uncertainty.column_parameter"),
            "unit": t("uncertainty.column_unit"),
            "low": st.column_config.NumberColumn(t("uncertainty.column_low"), format="%.4g"),
            "most_likely": st.column_config.NumberColumn(t("uncertainty.column_most_likely"), format="%.4g"),
            "high": st.column_config.NumberColumn(t("uncertainty.column_high"), format="%.4g"),
            "reason": t("uncertainty.column_reason"),
        },
        width="stretch",
    )
    custom = state.custom_ranges()
    for key in frame.index:
        low, high = edited.loc[key, "low"], edited.loc[key, "high"]
        if (low, high) != (table.loc[key, "low"], table.loc[key, "high"]):
            if pd.isna(low) or pd.isna(high):
                continue  # a cleared cell keeps the range it had
            custom[key] = (float(round(low / scale[key], 12)), float(round(high / scale[key], 12)))
    if custom != state.custom_ranges():
        state.set_custom_ranges(custom)
        st.rerun(scope="fragment")
    if custom and st.button(t("uncertainty.reset_ranges"), key="uncertainty_reset_ranges", type="tertiary"):
        state.clear_custom_ranges()
        st.rerun(scope="fragment")


# --- The panel -----------------------------------------------------------------------------------


def _labels() -> dict[str, str]:
    return {key: param_label(key) for key in NUMERIC_KEYS}


#: How far (a share of the headline) the Monte Carlo median may sit from the headline before the tab explains why.
SKEW_SHOWN = 0.01


def _render_distribution(ctx: Context, params_key: tuple, custom: tuple) -> None:
    st.markdown(f"#### {t('uncertainty.distribution_title')}")
    columns = st.columns([1, 1, 1, 1.4])
    in_full = functools.partial(format_count, locale=ctx.locale, compact=False)
    draws = columns[0].selectbox(t("uncertainty.draws"), DRAW_CHOICES, format_func=in_full, key="uncertainty_draws")
    sampling = columns[1].selectbox(
        t("uncertainty.sampling"),
        ("random", "lhs"),
        key="uncertainty_sampling",
        format_func=lambda s: t(f"uncertainty.sampling_{s}"),
    )
    seed = number_entry(
        columns[2],
        t("uncertainty.seed"),
        key="uncertainty_seed",
        default=DEFAULT_SEED,
        locale=ctx.locale,
        minimum=0,
        maximum=2**32 - 1,
        integer=True,
        grouping=False,
        help=t("uncertainty.seed_help"),
    )
    point = ctx.estimate.total
    threshold = number_entry(
        columns[3],
        t("uncertainty.threshold", currency=ctx.currency),
        key="uncertainty_threshold",
        default=float(round(point, -3)) if math.isfinite(point) else 0.0,
        locale=ctx.locale,
        minimum=0.0,
        help=t("uncertainty.threshold_help"),
    )
    with st.spinner(t("uncertainty.running", draws=in_full(draws))):
        result = _analysed(
            "montecarlo", params_key, custom, draws=draws, seed=seed, sampling=sampling, threshold=float(threshold)
        )
    money = lambda value: format_money(value, ctx.currency, locale=ctx.locale)  # noqa: E731
    metrics = st.columns(4)
    metrics[0].metric(t("uncertainty.p5"), money(result.percentiles["p5"]))
    metrics[1].metric(t("uncertainty.p50"), money(result.percentiles["p50"]))
    metrics[2].metric(t("uncertainty.p95"), money(result.percentiles["p95"]))
    metrics[3].metric(
        t("uncertainty.probability_above", threshold=money(threshold)),
        format_share(result.probability_above or 0.0, locale=ctx.locale),
    )
    median = result.percentiles["p50"]
    if math.isfinite(point) and point > 0 and abs(median - point) > SKEW_SHOWN * point:
        # The sidebar holds the most likely values, yet the draws' middle differs: say why, with both figures.
        st.caption(
            t(
                "uncertainty.skew_above" if median > point else "uncertainty.skew_below",
                median=money(median),
                headline=money(point),
            )
        )
    st.caption(
        t(
            "uncertainty.mean_caption",
            mean=money(result.mean),
            error=money(result.std_error),
            draws=in_full(result.draws),
            seed=result.seed,
        )
    )
    show_chart(
        lambda: distribution_chart(result, currency=ctx.currency, locale=ctx.locale, point_label=t("uncertainty.point_estimate")),
        key="chart_distribution",
        height=340,
    )


def _render_drivers(ctx: Context, params_key: tuple, custom: tuple) -> None:
    left, right = st.columns(2)
    swings = _analysed("tornado", params_key, custom)
    with left:
        st.markdown(f"#### {t('uncertainty.tornado_title')}")
        top = st.slider(t("uncertainty.top"), 3, max(3, len(swings.rows)), min(5, len(swings.rows)), key="uncertainty_top")
        show_chart(
            lambda: tornado_chart(
                swings,
                currency=ctx.currency,
                labels=_labels(),
                locale=ctx.locale,
                top=top,
                low_label=t("uncertainty.at_low"),
                high_label=t("uncertainty.at_high"),
            ),
            key="chart_tornado",
            height=90 + 44 * top,
        )
    with right:
        st.markdown(f"#### {t('uncertainty.research_title')}")
        with st.spinner(t("uncertainty.sobol_running")):
            indices = _analysed("sobol", params_key, custom, n=SOBOL_N, seed=0)
        leaders = ", ".join(param_label(key) for key in indices.index[:3])
        st.caption(t("uncertainty.research_caption", leaders=leaders))
        show_chart(
            lambda: sobol_chart(
                indices,
                labels=_labels(),
                top=top,
                first_label=t("uncertainty.alone"),
                total_label=t("uncertainty.with_interactions"),
            ),
            key="chart_sobol",
            height=90 + 48 * top,
        )


def _render_levers(ctx: Context, params_key: tuple, custom: tuple) -> None:
    """The levers, then the initiative the user prices (what fixing is worth)."""
    st.markdown(f"#### {t('uncertainty.levers_title')}")
    table = _analysed("levers", params_key, custom)
    table = table.assign(lever=[t(f"lever.{key}", default=label) for key, label in table["lever"].items()])
    # Under top-down both values are drawn (MODEL.md v2), with the sentence saying how they relate.
    both = ctx.parameters.method == "top_down"
    show_chart(
        lambda: levers_chart(table, currency=ctx.currency, locale=ctx.locale),
        key="chart_levers",
        height=150 + 70 * len(table) if both else 90 + 40 * len(table),
    )
    _render_initiative(ctx)


def _render_initiative(ctx: Context) -> None:
    st.markdown(f"#### {t('uncertainty.initiative_title')}")
    st.caption(t("uncertainty.initiative_intro"))
    params = ctx.parameters
    candidates = [key for key in NUMERIC_KEYS if PARAMETER_SPECS[key].kind == "number"]
    chosen = st.multiselect(
        t("uncertainty.initiative_changes"),
        candidates,
        default=list(default_initiative_changes(params)),
        format_func=param_label,
        key="initiative_params",
    )
    changes: dict[str, Any] = {}
    columns = st.columns(max(1, len(chosen)))
    for column, key in zip(columns, chosen, strict=False):
        spec = PARAMETER_SPECS[key]
        control = control_for(key)  # the sidebar's units: a share is typed in percent (77, not 0.77)
        current = float(params[key])
        suggestion = default_initiative_changes(params).get(key, current)
        typed = number_entry(
            column,
            t(
                "uncertainty.initiative_to",
                parameter=param_label(key),
                now=format_parameter(key, current, ctx.currency, locale=ctx.locale),
            ),
            key=f"initiative_value_{key}",
            default=float(f"{control.to_display(suggestion):.4g}"),
            locale=ctx.locale,
            minimum=float(control.to_display(spec.min)),
            maximum=float(control.to_display(spec.max)),
            integer=spec.kind == "integer",
            help=t("uncertainty.initiative_percent") if control.kind == "percent" else None,
        )
        changes[key] = control.from_display(typed)
    costs = st.columns(2)
    one_off, yearly = (
        number_entry(column, t(label, currency=ctx.currency), key=key, default=default, locale=ctx.locale, minimum=0.0)
        for column, label, key, default in (
            (costs[0], "uncertainty.one_off", "initiative_one_off", DEFAULT_INITIATIVE_ONE_OFF),
            (costs[1], "uncertainty.yearly", "initiative_yearly", DEFAULT_INITIATIVE_YEARLY),
        )
    )
    if not changes:
        return
    try:
        plan = initiative_roi(params, changes, one_off_cost=one_off, yearly_cost=yearly)
    except ParameterError as error:
        st.error(str(error))
        return
    money = lambda value: format_money(value, ctx.currency, locale=ctx.locale)  # noqa: E731
    metrics = st.columns(4)
    metrics[0].metric(t("uncertainty.revenue_recovered"), money(plan.revenue_recovered))
    metrics[1].metric(t("uncertainty.profit_recovered"), money(plan.profit_recovered))
    metrics[2].metric(
        t("uncertainty.payback"),
        t("uncertainty.never") if plan.payback_months is None else t("uncertainty.months", months=f"{plan.payback_months:.1f}"),
    )
    metrics[3].metric(
        t("uncertainty.roi", years=params.horizon_years), "—" if plan.roi is None else format_share(plan.roi, locale=ctx.locale)
    )
    st.caption(t("uncertainty.npv_caption", npv=money(plan.net_present_value), years=params.horizon_years))
    note = levers_note(plan.rule)
    if note:
        st.caption(note + " " + t("interventions.initiative_bottom_up", amount=money(plan.revenue_recovered_bottom_up)))


#: Outputs offered for the heatmap: the headline figures and the channels (the model's registry).
HEATMAP_OUTPUTS = (
    "total",
    *CHANNELS,
    "customers_lost_total",
    "profit_lost",
    "value_at_risk",
    "share_of_revenue",
)


def _output_label(name: str) -> str:
    # Channels already have their names in the catalogue; the other outputs have their own.
    return t(f"channel.{name}") if name in CHANNELS else t(f"output.{name}")


def _render_more_views(ctx: Context, params_key: tuple, custom: tuple) -> None:
    swings = _analysed("tornado", params_key, custom)  # the drivers' (cached): the spider and heatmap start from them
    with st.expander(t("uncertainty.spider_title")):
        keys = tuple(swings.rows.index[:6])
        frame = _analysed("spider", params_key, custom, keys=keys)
        show_chart(
            lambda: spider_chart(frame, labels=_labels(), keys=list(keys), locale=ctx.locale, currency=ctx.currency),
            key="chart_spider",
            height=420,
        )
    with st.expander(t("uncertainty.heatmap_title")):
        candidates = list(swings.rows.index) or list(NUMERIC_KEYS)
        columns = st.columns(3)
        x = columns[0].selectbox(t("uncertainty.heatmap_x"), candidates, index=0, format_func=param_label, key="heatmap_x")
        y = columns[1].selectbox(
            t("uncertainty.heatmap_y"), candidates, index=min(1, len(candidates) - 1), format_func=param_label, key="heatmap_y"
        )
        output = columns[2].selectbox(
            t("uncertainty.heatmap_output"),
            HEATMAP_OUTPUTS,
            key="heatmap_output",
            format_func=_output_label,
        )
        if x == y:
            st.info(t("uncertainty.heatmap_same"))
            return
        grid = _analysed("heatmap", params_key, custom, x=x, y=y, output=output)
        show_chart(lambda: heatmap_chart(grid, labels=_labels(), locale=ctx.locale), key="chart_heatmap", height=420)


#: The tab's parts in order, each showing the analyses of the registry whose ``app_section`` names it
#: (``tests/test_analyses.py`` checks that every analysis has a part and every part an analysis).
SECTIONS: dict[str, Callable[[Context, tuple, tuple], None]] = {
    "distribution": _render_distribution,
    "drivers": _render_drivers,
    "levers": _render_levers,
    "more": _render_more_views,
}


@st.fragment
def render_uncertainty(ctx: Context) -> None:
    """The whole tab (a fragment: its own controls rerun only this panel)."""
    st.caption(t("uncertainty.intro"))
    params_key = state.cache_key(ctx.parameters)
    custom, problems = _valid_custom_ranges(ctx.parameters)
    for problem in problems:
        st.warning(problem, icon=":material/tune:")
    # MODEL.md v3: say which ranges are the client's own intervals (a calibration applied, its values unchanged).
    from_file = [key for key, _ in custom if ctx.estimate.input_sources.get(key) == "file"]
    if from_file:
        st.caption(t("input_source.ranges_note", inputs=", ".join(param_label(key).lower() for key in from_file)))
    for render in SECTIONS.values():
        render(ctx, params_key, custom)
    with st.expander(t("uncertainty.ranges_title")):
        st.caption(t("uncertainty.ranges_intro"))
        # The table says where each custom range came from (a calibration, a saved scenario, the user).
        reasons = state.session().range_reasons()
        _render_range_editor(ctx, _ranges(params_key, custom, tuple((key, reasons[key]) for key, _ in custom if key in reasons)))

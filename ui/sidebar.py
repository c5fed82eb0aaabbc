"""The inputs: preset, currency, method, and every MODEL.md parameter as a slider plus an exact box."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import streamlit as st
from babel.numbers import get_currency_name, list_currencies

from estimator import PARAMETER_SPECS, load_preset
from estimator.controls import GROUP_ORDER, control_for, group_parameters
from estimator.library import preset_description, preset_names, preset_title
from estimator.text.formatting import format_count, format_money, format_parameter, is_currency_parameter
from estimator.text.i18n import LANGUAGES, available_languages, current_locale, param_label, t
from estimator.text.sentences import parameter_help
from ui import state
from ui.context import Context
from ui.messages import entry_problem_markdown
from ui.plots import show_deferred
from ui.safe_text import plain

__all__ = ["render_sidebar"]

#: Currencies most clients use, listed first; the rest follow alphabetically.
COMMON_CURRENCIES = ("EUR", "PLN", "HUF", "USD", "GBP", "CHF", "CZK", "SEK", "DKK", "NOK", "RON", "HRK", "BGN")


@cache
def _currency_options() -> tuple[str, ...]:
    known = set(list_currencies())
    common = [code for code in COMMON_CURRENCIES if code in known]
    return (*common, *sorted(known - set(common)))


@cache
def _currency_name(code: str, locale: str) -> str:
    if code == "XXX":  # ISO's "no currency": a client's file whose currency nobody stated (MODEL.md v3)
        return f"{code} · {t('calibration.v3_currency_none')}"
    return f"{code} · {get_currency_name(code, locale=locale)}"


def _parameter_help(ctx: Context, key: str) -> str:
    """What a parameter means and where the preset's value comes from (the tooltip)."""
    return parameter_help(key, ctx.preset, ctx.parameters, locale=ctx.locale)


@cache
def _stop_labels(key: str, currency: str, locale: str) -> dict[float, str]:
    """How a log slider writes its stops ("100K" customers, "€600"), computed once per currency."""
    if is_currency_parameter(key):
        return {stop: format_money(stop, currency, locale=locale) for stop in control_for(key).options}
    return {stop: format_count(stop, locale=locale, compact=True) for stop in control_for(key).options}


def _slider_label(key: str, currency: str, locale: str) -> Callable[[float], str]:
    labels = _stop_labels(key, currency, locale)

    def label(stop: float) -> str:
        if stop in labels:
            return labels[stop]
        # The exact value typed in the box, shown in full so the slider agrees with the box.
        return format_parameter(key, stop, currency, locale=locale)

    return label


def _parameter_input(ctx: Context, key: str) -> None:
    control = control_for(key)
    value = ctx.parameters[key]
    slider_key, entry_key = state.slider_key(key), state.entry_key(key)
    label = param_label(key)
    help_text = _parameter_help(ctx, key)
    slider_column, entry_column = st.columns([3, 2], vertical_alignment="bottom", gap="small")
    with slider_column:
        if control.kind == "log":
            st.select_slider(
                label,
                options=control.options_for(value),
                value=control.slider_position(value),
                key=slider_key,
                format_func=_slider_label(key, ctx.currency, ctx.locale),
                help=help_text,
                on_change=state.on_slider,
                args=(key, slider_key),
            )
        else:
            low, high = control.slider_bounds(value)
            number = int if control.integer else float
            st.slider(
                label,
                min_value=number(low),
                max_value=number(high),
                value=number(control.slider_position(value)),
                step=number(control.slider_step),
                format="%.1f%%" if control.kind == "percent" else ("%d" if control.integer else "%g"),
                key=slider_key,
                help=help_text,
                on_change=state.on_slider,
                args=(key, slider_key),
            )
    with entry_column:
        # A text box, not a number box: browsers drop a typed decimal comma from number boxes,
        # so "12,99" would become 1299. The text is read with the language's own marks.
        st.text_input(
            t("sidebar.entry_label", label=label),
            value=state.entry_text(key, ctx.locale),
            key=entry_key,
            label_visibility="collapsed",
            icon=":material/percent:" if control.kind == "percent" else None,
            on_change=state.on_entry,
            args=(key, entry_key, ctx.locale),
        )
    problem = state.entry_problems().get(key)
    if problem is not None:
        st.error(entry_problem_markdown(ctx, problem), icon=":material/error:")
    scaled = next((item for item in ctx.estimate.scaled if item.key == key), None)
    if scaled is not None:  # MODEL.md v3: said where the figure is shown
        count = lambda v: format_count(v, locale=ctx.locale, compact=False)  # noqa: E731
        st.caption(
            t(
                "input_source.scaled",
                value=plain(count(scaled.value)),
                base_value=count(scaled.base_value),
                customers=count(scaled.customers),
                base_customers=count(scaled.base_customers),
            )
        )


def _workspace_picker() -> None:
    # The scenario library (SQLAlchemy, about a second to import) is opened after the first paint.
    from ui.scenarios import render_workspace_picker

    render_workspace_picker()


def group_key(group: str) -> str:
    """Session-state key of a group's expander (``True`` when open)."""
    return f"group_{group}"


def _group(ctx: Context, group: str) -> None:
    keys = list(group_parameters(group))
    changed = [key for key in keys if key in ctx.changed_from_preset]
    # Lazy: a closed group draws nothing, so every rerun (each slider move) stays light.
    expander = st.expander(t(f"group.{group}"), expanded=group == "business", key=group_key(group), on_change="rerun")
    with expander:
        if not expander.open:
            return
        for key in keys:
            _parameter_input(ctx, key)
        note_column, reset_column = st.columns([3, 2], vertical_alignment="center")
        note_column.caption(t("sidebar.group_changed", count=len(changed)) if changed else "")
        reset_column.button(
            t("sidebar.group_reset"),
            key=f"reset_{group}",
            help=t("sidebar.group_reset_help"),
            disabled=not changed,
            on_click=state.reset_to_preset,
            args=(keys,),
            width="stretch",
        )


def render_sidebar(ctx: Context) -> None:
    """Draw every input in the sidebar.

    Parameters
    ----------
    ctx : Context
        The current scenario; the widgets' callbacks change it for the next run.
    """
    locale = current_locale()
    names = preset_names()
    currencies = _currency_options()
    methods = PARAMETER_SPECS["method"].choices
    currency_key, method_key = state.currency_key(), state.method_key()
    with st.sidebar:
        st.header(t("sidebar.heading"), anchor=False)
        languages = [code for code in LANGUAGES if code in available_languages()]
        st.selectbox(
            t("language.label"),
            languages,
            index=languages.index(state.language()) if state.language() in languages else 0,
            key=state.LANGUAGE_WIDGET,
            format_func=lambda code: LANGUAGES[code].name,
            help=t("language.help"),
            on_change=state.on_language,
        )
        st.selectbox(
            t("sidebar.preset"),
            names,
            index=names.index(ctx.preset.name),
            key=state.PRESET_WIDGET,
            format_func=lambda name: preset_title(load_preset(name)),
            help=t("sidebar.preset_help", description=preset_description(ctx.preset)),
            on_change=state.on_preset,
        )
        st.selectbox(
            t("sidebar.currency"),
            currencies,
            index=currencies.index(ctx.currency),
            key=currency_key,
            format_func=lambda code: _currency_name(code, locale),
            help=t("sidebar.currency_help"),
            on_change=state.on_currency,
            args=(currency_key,),
        )
        st.radio(
            t("sidebar.method"),
            methods,
            index=methods.index(ctx.parameters.method),
            key=method_key,
            format_func=lambda choice: t(f"method.{choice}"),
            help=t("sidebar.method_help"),
            horizontal=True,
            on_change=state.on_method,
            args=(method_key,),
        )
        reset_column, present_column = st.columns(2)
        reset_column.button(
            t("sidebar.reset_all"),
            key="reset_all",
            help=t("sidebar.reset_all_help"),
            icon=":material/restart_alt:",
            on_click=state.reset_to_preset,
            disabled=not ctx.changed_from_preset and ctx.currency == ctx.preset.parameters.currency,
            width="stretch",
        )
        present_column.button(
            t("sidebar.present"),
            key="to_present",
            help=t("sidebar.present_help"),
            icon=":material/slideshow:",
            on_click=state.set_view,
            args=("present",),
            width="stretch",
        )
        st.caption(t("sidebar.share_help"))
        show_deferred(_workspace_picker)
        for group in GROUP_ORDER:
            _group(ctx, group)

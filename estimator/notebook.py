"""The estimator as an interactive notebook tool: what-if sliders in JupyterLab, Notebook 7 and VS Code.

Typical use::

    from estimator.notebook import explore
    app = explore("telecom_cable")      # or explore(params), explore(calibration), explore("my saved scenario")
    app.parameters, app.estimate        # the scenario the sliders show, and its figures
    app.save("Client A, first pass")    # into the scenario library
    app.report("client_a.pptx")         # deck, workbook (.xlsx) or page (.html)
    app.link("http://localhost:8501")   # the Streamlit app opening the same scenario

A thin layer over the package, like the Streamlit app: the input groups and slider scales come
from :mod:`estimator.controls`, every text from :mod:`estimator.text.sentences` and the i18n catalogues,
every figure from :mod:`estimator.figures.charts` and :mod:`estimator.figures.uncertainty`, and links
from :mod:`estimator.links`. Only standard ipywidgets 8 are used (imported here, never by
``import estimator``). Charts are plain plotly figures shown in ``Output`` widgets (the plotly
mime type, which JupyterLab, Notebook 7 and VS Code render); ``FigureWidget`` needs the
``anywidget`` package from plotly 6 on and has display bugs in VS Code, so it is not used.

A slider move recomputes the headline, the channel waterfall and the cross-check; the tornado,
the Monte Carlo summary and the levers are computed on demand (their tab's button), so a move
stays fast. Each refresh's in-kernel time is kept in :attr:`Explorer.timings`.
"""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import plotly.graph_objects as go
import plotly.io as pio
from babel.numbers import get_currency_symbol

from estimator.analysis.sensitivity import DEFAULT_DRAWS, DEFAULT_SEED, UncertaintyRanges, levers, monte_carlo, tornado
from estimator.calibration import Calibration
from estimator.calibration.sentence import cfo_sentence
from estimator.controls import GROUP_ORDER, EntryProblem, control_for, entry_problem_text, group_parameters, read_entry
from estimator.core.parameters import PARAMETER_SPECS, InputError, Parameters
from estimator.core.provenance import NO_CURRENCY, Scaling, scale_with_customers
from estimator.core.result import Estimate, estimate
from estimator.core.scenario import Scenario
from estimator.figures.charts import channel_waterfall, cross_check_bars
from estimator.figures.uncertainty import distribution_chart, levers_chart, tornado_chart
from estimator.library import Preset, load_preset, preset_names, preset_title
from estimator.links import DEFAULT_PRESET, scenario_url
from estimator.session import CALIBRATED_RANGE, SAVED_RANGE, USER_RANGE, Session
from estimator.store import SavedScenario, ScenarioStore
from estimator.text.formatting import (
    format_count,
    format_entry,
    format_money,
    format_parameter,
    format_share,
    is_currency_parameter,
)
from estimator.text.i18n import DEFAULT_LANGUAGE, LANGUAGES, available_languages, language_scope, param_label, t
from estimator.text.messages import warning_text
from estimator.text.sentences import (
    channel_labels,
    headline_figures,
    headline_sentence,
    largest_channel_text,
    parameter_help,
    provenance_description,
)

__all__ = ["ANALYSES", "Explorer", "explore"]

# CALIBRATED_RANGE, SAVED_RANGE (estimator.session): the reason a range table gives for a calibration's
# range and for one saved with a scenario, never "set by the user".
#: The analyses computed on demand, one tab each after the overview.
ANALYSES = ("tornado", "monte_carlo", "levers")
#: Monte Carlo draws of the on-demand summary (the deliverables' number).
MONTE_CARLO_DRAWS = DEFAULT_DRAWS
#: Width of the inputs column; the results take the rest (and wrap below on a narrow notebook).
INPUTS_WIDTH = "430px"
#: Buttons as wide as their words (a fixed width cuts the longer languages).
AUTO_WIDTH = {"width": "auto"}
#: Parameters whose exact box has a unit word (the others: "%" for shares, the currency for money).
UNIT_WORDS = frozenset(
    {"customers", "prospect_contacts", "silent_ratio", "wom_reach", "incidents_per_year", "incident_hours", "horizon_years"}
)

#: The help marker beside each label (a circled "?" in CSS: "ⓘ" is missing from many fonts).
HELP_MARK = (
    "<span style='display:inline-block;width:1.2em;height:1.2em;line-height:1.2em;text-align:center;"
    "border:1px solid #999;border-radius:50%;font-size:0.75em;color:#666'>?</span>"
)
#: Tab titles in full (ipywidgets cuts them at a fixed width), in the app's own scope.
STYLE = (
    "<style>.churn-explorer .lm-TabBar-tab { flex: 0 0 auto !important; max-width: none !important; }"
    # Buttons keep their whole label (ipywidgets cuts it with an ellipsis at the button's width).
    " .churn-explorer .jupyter-button { flex: 0 0 auto; max-width: none; overflow: visible; text-overflow: clip; }"
    # The tab row wraps rather than hiding its last tab in a narrow notebook column.
    " .churn-explorer .lm-TabBar-content { flex-wrap: wrap; }</style>"
)

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"\*(.+?)\*")


def _markdown_html(text: str) -> str:
    """The little Markdown the catalogues use (bold, italics, line breaks) as safe HTML."""
    escaped = html.escape(text)
    escaped = _BOLD.sub(r"<b>\1</b>", escaped)
    escaped = _ITALIC.sub(r"<i>\1</i>", escaped)
    return escaped.replace("  \n", "<br>").replace("\n\n", "<br>").replace("\n", "<br>")


def _plain(text: str) -> str:
    """Catalogue Markdown as plain text (for tooltips)."""
    return _ITALIC.sub(r"\1", _BOLD.sub(r"\1", text)).replace("  \n", "\n")


def _figure_output(figure: go.Figure) -> dict[str, Any]:
    """One ``display_data`` output holding a plain plotly figure (the plotly mime type, no mode bar)."""
    spec = json.loads(pio.to_json(figure, validate=False))
    spec["config"] = {"displayModeBar": False, "responsive": True}
    title = figure.layout.title.text or "plotly figure"
    return {"output_type": "display_data", "data": {"application/vnd.plotly.v1+json": spec, "text/plain": title}, "metadata": {}}


def _show(output: widgets.Output, *figures: go.Figure) -> None:
    # Replacing the outputs in one assignment redraws without a flash of an empty area, and works
    # outside a running kernel too (tests, benchmarks), where ``with output:`` would print instead.
    output.outputs = tuple(_figure_output(figure) for figure in figures)


class _Input:
    """The widgets of one numeric parameter: label with help, slider, exact box, unit and problem line."""

    def __init__(self, app: Explorer, key: str):
        self.key = key
        self.control = control_for(key)
        self.label = widgets.HTML()
        self.slider = self._make_slider(app.parameters[key])
        self.entry = widgets.Text(continuous_update=False, layout=widgets.Layout(width="120px"))
        self.unit = widgets.HTML(layout=widgets.Layout(width="auto"))
        self.problem = widgets.HTML(layout=widgets.Layout(display="none"))
        self.box = widgets.VBox(
            [self.label, widgets.HBox([self.slider, self.entry, self.unit]), self.problem],
            layout=widgets.Layout(margin="0 0 6px 0"),
        )
        self.box.add_class(f"churn-input-{key}")
        self.slider.add_class(f"churn-slider-{key}")
        self.entry.add_class(f"churn-entry-{key}")
        self.slider.observe(lambda change: app._on_slider(self, change["new"]), names="value")
        self.entry.observe(lambda change: app._on_entry(self, change["new"]), names="value")

    def _make_slider(self, value: float) -> widgets.Widget:
        layout = widgets.Layout(width="230px")
        common = {"readout": False, "continuous_update": False, "layout": layout}
        if self.control.kind == "log":
            return widgets.SelectionSlider(options=[("", float(value))], value=float(value), **common)
        if self.control.integer:
            return widgets.IntSlider(min=int(self.control.slider_min), max=int(self.control.slider_max), step=1, **common)
        return widgets.FloatSlider(step=self.control.slider_step, **common)

    def show(self, app: Explorer) -> None:
        """Put the scenario's value (and the current language's words) into the widgets."""
        key, control, params, locale = self.key, self.control, app.parameters, app.locale
        value = params[key]
        help_text = _plain(parameter_help(key, app.preset, params, locale=locale))
        changed = " ●" if value != app.preset.parameters[key] else ""
        self.label.value = (
            f'<span title="{html.escape(help_text)}" style="cursor:help">'
            f"{html.escape(param_label(key))}{changed} {HELP_MARK}</span>"
        )
        self.slider.tooltip = help_text
        if control.kind == "log":
            stops = control.options_for(value)
            labels = [self._stop_label(stop, params.currency, locale) for stop in stops]
            self.slider.options = list(zip(labels, stops, strict=True))
            self.slider.value = float(value)
        else:
            low, high = control.slider_bounds(value)
            if control.integer:
                self.slider.max = int(high)
            else:
                self.slider.min, self.slider.max = float(low), float(high)
            self.slider.value = control.slider_position(value)
        self.entry.value = format_entry(control.to_display(value), locale=locale)
        self.entry.tooltip = t("sidebar.entry_label", label=param_label(key))
        self.unit.value = html.escape(self._unit(params.currency, locale))
        self.show_problem(None, app)

    def show_problem(self, problem: EntryProblem | None, app: Explorer) -> None:
        if problem is None:
            self.problem.value, self.problem.layout.display = "", "none"
            return
        text = entry_problem_text(problem, app.parameters[self.key], locale=app.locale)
        self.problem.value = f'<div class="churn-problem" style="color:#b00020">⚠ {_markdown_html(text)}</div>'
        self.problem.layout.display = None

    def _stop_label(self, stop: float, currency: str, locale: str) -> str:
        if is_currency_parameter(self.key):
            return format_money(stop, currency, locale=locale)
        return format_count(stop, locale=locale, compact=True)

    def _unit(self, currency: str, locale: str) -> str:
        if self.control.kind == "percent":
            return "%"
        if is_currency_parameter(self.key):
            return get_currency_symbol(currency, locale=locale)
        return t(f"notebook.unit.{self.key}") if self.key in UNIT_WORDS else ""


class Explorer:
    """An interactive scenario in a notebook: the sliders' current values, their figures and what follows.

    Made by :func:`explore`. Display it with ``display(app.widget)`` (``explore`` does that).

    Attributes
    ----------
    widget : ipywidgets.VBox
        The whole app.
    timings : list of (float, float)
        For each refresh: seconds until the headline was updated and until the charts were.
    refreshed_at : (float, float)
        ``time.perf_counter()`` when the last refresh had updated the headline, and the charts.
    """

    def __init__(
        self,
        preset: Preset,
        parameters: Parameters,
        *,
        ranges: Mapping[str, tuple[float, float]] | None = None,
        provenance: Mapping[str, str] | None = None,
        language: str = DEFAULT_LANGUAGE,
        library: str | Path | None = None,
        scaled: Sequence[Scaling] = (),
        calibration: Mapping[str, Any] | None = None,
        range_reason: str = USER_RANGE,
    ):
        # The session rules, the app's own (estimator.session): values, ranges, provenance, scaled volumes.
        self._session = Session({})
        self._session.start(
            preset.name,
            parameters,
            ranges=ranges,
            range_reason=range_reason,
            provenance=provenance,
            scaled=scaled,
            calibration=calibration,
        )
        self._preset = self._session.preset
        self._params = self._session.parameters
        self._language = language if language in available_languages() else DEFAULT_LANGUAGE
        self._library = library
        self._estimate = self._evaluate()
        self._problems: dict[str, EntryProblem] = {}
        self._stale = set(ANALYSES)
        self._quiet = False  # True while the widgets are set from the scenario (not by the user)
        self.timings: list[tuple[float, float]] = []
        self.widget = widgets.VBox()
        self.widget.add_class("churn-explorer")
        self._build()

    # --- the public API ----------------------------------------------------------------------

    @property
    def parameters(self) -> Parameters:
        """The scenario the sliders show (always valid)."""
        return self._params

    @property
    def estimate(self) -> Estimate:
        """Its figures, from :func:`estimator.estimate`."""
        return self._estimate

    @property
    def preset(self) -> Preset:
        """The preset it started from (sources of the values, resets)."""
        return self._preset

    @property
    def language(self) -> str:
        return self._language

    @property
    def locale(self) -> str:
        """The Babel locale of the language: how numbers are written and read."""
        return LANGUAGES[self._language].locale

    @property
    def ranges(self) -> UncertaintyRanges:
        """The uncertainty ranges: the calibrated or saved ones that still hold the value, else the defaults."""
        return UncertaintyRanges.around(self._params, self.custom_ranges, self._session.range_reasons())

    @property
    def custom_ranges(self) -> dict[str, tuple[float, float]]:
        """The ranges set for this scenario (calibration, library) that still contain their value."""
        return self._session.usable_ranges()

    @property
    def provenance(self) -> dict[str, str]:
        """Where values came from (a calibration), for those still at the value the data gave."""
        return self._session.descriptions

    @property
    def scenario(self) -> Scenario:
        """The scenario the sliders show, with its usable ranges and the provenance still true (what is saved)."""
        return self._session.scenario()

    def set(self, **values: Any) -> Explorer:
        """Change values from code (validated, the widgets follow): ``app.set(churn_rate=0.2)``.

        Raises
        ------
        ParameterError
            When a value is not valid; nothing changes then.
        """
        self._apply(values)
        return self

    def link(self, base_url: str = "http://localhost:8501") -> str:
        """The address of the Streamlit app at ``base_url`` that opens this scenario, in this language."""
        return scenario_url(base_url, self._preset, self._params, language=self._language)

    def save(self, name: str, *, notes: str = "", overwrite: bool = False) -> SavedScenario:
        """Save the scenario, its ranges and provenance in the scenario library as ``name``.

        The library is the one given to :func:`explore` (``library=``), else ``$CHURN_ESTIMATOR_DB``,
        else the user's (:func:`estimator.store.default_database_path`).
        """
        store = ScenarioStore(self._library)
        return store.save(
            name, self._params, ranges=self.custom_ranges, notes=notes, provenance=self.provenance, overwrite=overwrite
        )

    def report(self, path: str | Path, *, notes: str = "", draws: int = MONTE_CARLO_DRAWS, seed: int = DEFAULT_SEED) -> Path:
        """Write the deliverable chosen by ``path``'s extension (.pptx deck, .xlsx workbook, .html page)."""
        from estimator.reports import build_content, write_report

        calibration = self._session.applied_calibration  # its CFO sentence goes on the deck
        content = build_content(
            Scenario("", self._params, self.custom_ranges, provenance=self.provenance),
            sources=self._preset.sources,
            base=self._preset.parameters,
            draws=draws,
            seed=seed,
            notes=notes,
            language=self._language,
            input_sources=self.input_sources,
            scaled=self._session.scaled,
            method_sentence=cfo_sentence(calibration, self._language) if calibration and self.provenance else "",
        )
        return write_report(content, path)

    def __repr__(self) -> str:
        with language_scope(self._language):
            total = format_money(self._estimate.total, self._params.currency, locale=self.locale)
        return f"<Explorer {self._preset.name}: {total} a year, {self._params.method}>"

    # --- building the widgets ----------------------------------------------------------------

    def _build(self) -> None:
        with language_scope(self._language):
            self._inputs = {key: _Input(self, key) for group in GROUP_ORDER for key in group_parameters(group)}
            self._build_controls()
            self._build_results()
            groups = []
            self._group_notes: dict[str, widgets.HTML] = {}
            self._group_resets: dict[str, widgets.Button] = {}
            for group in GROUP_ORDER:
                note = widgets.HTML()
                reset = widgets.Button(
                    description=t("sidebar.group_reset"), tooltip=t("sidebar.group_reset_help"), layout=AUTO_WIDTH
                )
                reset.add_class(f"churn-reset-{group}")
                reset.on_click(lambda _, group=group: self._reset(group_parameters(group)))
                self._group_notes[group], self._group_resets[group] = note, reset
                rows = [self._inputs[key].box for key in group_parameters(group)]
                groups.append(widgets.VBox([*rows, widgets.HBox([reset, note])]))
            self._accordion = widgets.Accordion(children=groups, titles=tuple(t(f"group.{g}") for g in GROUP_ORDER))
            self._accordion.selected_index = 0
            inputs = widgets.VBox([self._controls, self._accordion], layout=widgets.Layout(width=INPUTS_WIDTH, flex="0 0 auto"))
            results = widgets.VBox(
                [self._headline, self._figures, self._warnings, self._tabs],
                layout=widgets.Layout(flex="1 1 480px", min_width="380px", padding="0 0 0 16px"),
            )
            self.widget.children = [
                widgets.HTML(f"{STYLE}<h3 style='margin:4px 0'>{html.escape(t('app.title'))}</h3>"),
                widgets.HBox([inputs, results], layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start")),
            ]
            self._show_inputs(self._inputs)
        self._refresh()

    def _build_controls(self) -> None:
        languages = [code for code in LANGUAGES if code in available_languages()]
        self._language_picker = widgets.Dropdown(
            options=[(LANGUAGES[code].name, code) for code in languages],
            value=self._language,
            description=t("language.label"),
            style={"description_width": "initial"},
        )
        self._language_picker.observe(lambda change: self._set_language(change["new"]), names="value")
        names = preset_names()
        options = [(preset_title(load_preset(name)), name) for name in names]
        if self._preset.name not in names:  # a scenario from elsewhere, on the generic preset's sources
            options.append((self._preset.title, self._preset.name))
        self._preset_picker = widgets.Dropdown(
            options=options,
            value=self._preset.name,
            description=t("sidebar.preset"),
            style={"description_width": "initial"},
            layout=widgets.Layout(width="100%"),
        )
        self._preset_picker.observe(lambda change: self._set_preset(change["new"]), names="value")
        self._method = widgets.ToggleButtons(
            options=[(t(f"method.{choice}"), choice) for choice in PARAMETER_SPECS["method"].choices],
            value=self._params.method,
            tooltips=[_plain(t("sidebar.method_help"))] * len(PARAMETER_SPECS["method"].choices),
            style={"button_width": "120px"},
        )
        self._method.add_class("churn-method")
        self._method.observe(lambda change: None if self._quiet else self._apply({"method": change["new"]}), names="value")
        self._reset_all = widgets.Button(
            description=t("sidebar.reset_all"), tooltip=t("sidebar.reset_all_help"), icon="undo", layout=AUTO_WIDTH
        )
        self._reset_all.add_class("churn-reset-all")
        self._reset_all.on_click(lambda _: self._reset([*PARAMETER_SPECS, "currency"]))
        self._controls = widgets.VBox(
            [
                # Wraps instead of cutting "Reset to preset" to "Reset to pre..." beside a long language name.
                widgets.HBox([self._language_picker, self._reset_all], layout=widgets.Layout(flex_flow="row wrap")),
                self._preset_picker,
                widgets.HTML(f"<b>{html.escape(t('sidebar.method'))}</b>"),
                self._method,
            ]
        )

    def _build_results(self) -> None:
        self._headline = widgets.HTML()
        self._headline.add_class("churn-headline")
        self._figures = widgets.HTML()
        self._figures.add_class("churn-figures")
        self._warnings = widgets.HTML()
        self._warnings.add_class("churn-warnings")
        self._waterfall = widgets.Output()
        self._cross_check_chart = widgets.Output()
        self._cross_check_text = widgets.HTML()
        overview = widgets.VBox(
            [
                widgets.HTML(f"<b>{html.escape(t('overview.channels_title'))}</b>"),
                self._waterfall,
                widgets.HTML(
                    f"<b>{html.escape(t('cross_check.title'))}</b><br><small>{html.escape(t('cross_check.intro'))}</small>"
                ),
                self._cross_check_chart,
                self._cross_check_text,
            ]
        )
        self._analysis_outputs: dict[str, widgets.Output] = {}
        self._analysis_notes: dict[str, widgets.HTML] = {}
        self._analysis_buttons: dict[str, widgets.Button] = {}
        pages = [overview]
        for name in ANALYSES:
            button = widgets.Button(description=t("notebook.compute"), icon="play", button_style="primary")
            button.add_class(f"churn-compute-{name}")
            button.on_click(lambda _, name=name: self._compute(name))
            note, output = widgets.HTML(), widgets.Output()
            self._analysis_buttons[name], self._analysis_notes[name], self._analysis_outputs[name] = button, note, output
            pages.append(widgets.VBox([widgets.HBox([button, note]), output]))
        self._tabs = widgets.Tab(children=pages, titles=(t("tabs.overview"), *(t(f"notebook.tab.{name}") for name in ANALYSES)))
        self._tabs.observe(lambda change: self._on_tab(change["new"]), names="selected_index")

    # --- keeping widgets and scenario in step ------------------------------------------------

    def _show_inputs(self, inputs: Mapping[str, _Input] | list[_Input]) -> None:
        self._quiet = True
        try:
            for item in inputs.values() if isinstance(inputs, Mapping) else inputs:
                item.show(self)
            self._method.value = self._params.method
            self._show_group_notes()
        finally:
            self._quiet = False

    def _show_group_notes(self) -> None:
        for group in GROUP_ORDER:
            changed = [key for key in group_parameters(group) if self._params[key] != self._preset.parameters[key]]
            self._group_notes[group].value = f"<small>{t('sidebar.group_changed', count=len(changed))}</small>" if changed else ""
            self._group_resets[group].disabled = not changed
        self._reset_all.disabled = self._params == self._preset.parameters

    def _on_slider(self, item: _Input, position: Any) -> None:
        if self._quiet:
            return
        control = item.control
        value = float(position) if control.kind == "log" else control.from_display(position)
        self._apply({item.key: value})

    def _on_entry(self, item: _Input, text: str) -> None:
        if self._quiet:
            return
        with language_scope(self._language):
            value, problem = read_entry(item.key, text, self.locale)
            if problem is not None:
                # The text stays in the box as typed, the scenario keeps its last valid value.
                self._problems[item.key] = problem
                item.show_problem(problem, self)
                return
        self._apply({item.key: value})

    @property
    def input_sources(self) -> dict[str, str]:
        """Every input's source (MODEL.md v3): ``file`` while it holds the calibrated value, ``entered`` when
        moved from the preset, else ``preset`` or ``default`` (a volume scaled with the customers included)."""
        return self._session.input_sources()

    def _evaluate(self) -> Estimate:
        return estimate(self._params, input_sources=self.input_sources, scaled=self._session.scaled)

    def _apply(self, values: Mapping[str, Any], *, reset: bool = False) -> None:
        started = time.perf_counter()
        # Validated with the rest; raises ParameterError with nothing changed. A reset forgets provenance.
        values = self._session.reset(values) if reset else self._session.set(values)
        self._params = self._session.parameters
        with language_scope(self._language):
            self._quiet = True
            try:
                for key in values:
                    self._problems.pop(key, None)
                    item = self._inputs.get(key)
                    if item is None:
                        continue
                    item.show(self)  # the slider stays where it is; box, label and help follow
                self._method.value = self._params.method
                self._show_group_notes()
            finally:
                self._quiet = False
        self._refresh(started)

    def _reset(self, keys: list[str] | tuple[str, ...]) -> None:
        self._apply(keys, reset=True)

    def _set_preset(self, name: str) -> None:
        if self._quiet or name == self._preset.name:
            return
        self._session.choose_preset(name)  # a new starting point: no custom range, nothing from the data
        self._preset, self._params = self._session.preset, self._session.parameters
        with language_scope(self._language):
            self._show_inputs(self._inputs)
        self._refresh()

    def _set_language(self, language: str) -> None:
        if language == self._language:
            return
        self._language = language
        self._stale = set(ANALYSES)
        selected = self._tabs.selected_index
        self._build()  # every word changes: build the widgets again in the new language
        self._tabs.selected_index = selected

    # --- the figures -------------------------------------------------------------------------

    def _refresh(self, started: float | None = None) -> None:
        started = time.perf_counter() if started is None else started
        with language_scope(self._language):
            self._estimate = self._evaluate()
            self._show_headline()
            headline_done = time.perf_counter()
            self._show_charts()
            self._stale = set(ANALYSES)
            for name in ANALYSES:
                if self._analysis_outputs[name].outputs:
                    self._analysis_notes[name].value = f"<i>{html.escape(t('notebook.stale'))}</i>"
        charts_done = time.perf_counter()
        self.timings.append((headline_done - started, charts_done - started))
        self.refreshed_at = (headline_done, charts_done)

    def _show_headline(self) -> None:
        est, params, locale = self._estimate, self._params, self.locale
        largest = largest_channel_text(est, locale=locale)
        sentence = headline_sentence(est, params.currency, locale=locale)
        self._headline.value = (
            f"<div style='font-size:1.35em;margin:6px 0'>{_markdown_html(sentence)}</div>"
            + (f"<div>{_markdown_html(largest)}</div>" if largest else "")
            + f"<div class='churn-sources'><small>{html.escape(self._sources_text())}</small></div>"
        )
        cards = "".join(
            "<div class='churn-figure' style='border:1px solid #ddd;border-radius:6px;padding:6px 10px;min-width:120px'"
            f' title="{html.escape(_plain(figure.help))}">'
            f"<div style='font-size:0.85em;color:#555'>{html.escape(figure.label)}</div>"
            f"<div class='churn-figure-value churn-figure-{figure.key}' style='font-size:1.4em;font-weight:600'>"
            f"{html.escape(figure.value)}</div></div>"
            for figure in headline_figures(est, params, locale=locale)
        )
        self._figures.value = f"<div style='display:flex;flex-wrap:wrap;gap:8px;margin:6px 0'>{cards}</div>"
        warnings = est.warnings
        self._warnings.value = (
            f"<div style='background:#fff8e1;padding:6px 10px;border-radius:6px'><b>{html.escape(t('warnings.title'))}</b><ul>"
            + "".join(f"<li>{_markdown_html(warning_text(w, self._language, emphasis='*'))}</li>" for w in warnings)
            + "</ul></div>"
            if warnings
            else ""
        )
        if est.implied_service_share == est.implied_service_share:  # finite (not NaN)
            reconcile = t(
                "cross_check.reconcile",
                implied=format_share(est.implied_service_share, locale=locale),
                entered=format_share(params.service_share, locale=locale),
            )
        else:
            reconcile = t("cross_check.reconcile_undefined")
        used = t("cross_check.used", method=t(f"method.{params.method}"))
        self._cross_check_text.value = f"{_markdown_html(reconcile)}<br><small>{html.escape(used)}</small>"

    def _sources_text(self) -> str:
        """Whose the customers and the value are (MODEL.md v3), and any volume scaled with the customers."""
        from estimator.text.formatting import currency_label

        p, sources, locale = self._params, self._estimate.input_sources, self.locale
        count = lambda v: format_count(v, locale=locale, compact=False)  # noqa: E731
        value = format_parameter("annual_value", p.annual_value, p.currency, locale=locale)
        if p.currency == NO_CURRENCY:
            value += f" ({currency_label(p.currency, self._language)})"
        text = t(
            "input_source.headline_sources",
            customers=count(p.customers),
            customers_source=t(f"input_source.{sources['customers']}"),
            value=value,
            value_source=t(f"input_source.{sources['annual_value']}"),
        )
        for item in self._estimate.scaled:
            scaled = t(
                "input_source.scaled",
                value=count(item.value),
                base_value=count(item.base_value),
                customers=count(item.customers),
                base_customers=count(item.base_customers),
            )
            text += f" · {param_label(item.key)}: {scaled}"
        return text

    def _show_charts(self) -> None:
        est, params, locale = self._estimate, self._params, self.locale
        labels = channel_labels()
        _show(
            self._waterfall,
            channel_waterfall(
                est.channels, labels=labels, total_label=labels["total"], currency=params.currency, locale=locale, height=340
            ),
        )
        names = {"top_down": t("cross_check.top_down"), "bottom_up": t("cross_check.bottom_up")}
        _show(
            self._cross_check_chart,
            cross_check_bars(est.top_down_customers, est.bottom_up_customers, labels=names, used=params.method, locale=locale),
        )

    def _on_tab(self, index: int | None) -> None:
        if index and ANALYSES[index - 1] in self._stale and not self._analysis_outputs[ANALYSES[index - 1]].outputs:
            self._compute(ANALYSES[index - 1])  # the first look at a tab computes it; later moves wait for the button

    def _compute(self, name: str) -> None:
        builders: dict[str, Callable[[], tuple[str, list[go.Figure]]]] = {
            "tornado": self._tornado,
            "monte_carlo": self._monte_carlo,
            "levers": self._levers,
        }
        with language_scope(self._language):
            self._analysis_notes[name].value = f"<i>{html.escape(t('notebook.running'))}</i>"
            text, figures = builders[name]()
            _show(self._analysis_outputs[name], *figures)
            self._analysis_notes[name].value = text
            self._analysis_buttons[name].description = t("notebook.update")
        self._stale.discard(name)

    def _tornado(self) -> tuple[str, list[go.Figure]]:
        swings = tornado(self._params, self.ranges)
        figure = tornado_chart(
            swings,
            currency=self._params.currency,
            labels={key: param_label(key) for key in PARAMETER_SPECS},
            locale=self.locale,
            top=10,
            low_label=t("uncertainty.at_low"),
            high_label=t("uncertainty.at_high"),
        )
        return f"<b>{html.escape(t('uncertainty.tornado_title'))}</b>", [figure]

    def _monte_carlo(self) -> tuple[str, list[go.Figure]]:
        result = monte_carlo(self._params, self.ranges, draws=MONTE_CARLO_DRAWS, seed=DEFAULT_SEED)
        money = lambda value: format_money(value, self._params.currency, locale=self.locale)  # noqa: E731
        parts = " · ".join(
            f"{html.escape(t(f'uncertainty.{p}'))}: <b class='churn-{p}'>{html.escape(money(result.percentiles[p]))}</b>"
            for p in ("p5", "p50", "p95")
        )
        caption = t(
            "uncertainty.mean_caption",
            mean=money(result.mean),
            error=money(result.std_error),
            draws=format_count(result.draws, locale=self.locale, compact=False),
            seed=result.seed,
        )
        figure = distribution_chart(
            result, currency=self._params.currency, locale=self.locale, point_label=t("uncertainty.point_estimate")
        )
        return f"{parts}<br><small>{html.escape(caption)}</small>", [figure]

    def _levers(self) -> tuple[str, list[go.Figure]]:
        table = levers(self._params)
        table = table.assign(lever=[t(f"lever.{key}", default=label) for key, label in table["lever"].items()])
        currency, locale = self._params.currency, self.locale
        figures = [
            levers_chart(table, currency=currency, column="recovered", locale=locale, title=t(f"method.{self._params.method}"))
        ]
        text = f"<b>{html.escape(t('uncertainty.levers_title'))}</b>"
        if self._params.method == "top_down":  # show both: complaint handling works through the bottom-up count
            text += f"<br><small>{html.escape(t('notebook.levers_both'))}</small>"
            figures.append(
                levers_chart(table, currency=currency, column="recovered_bottom_up", locale=locale, title=t("method.bottom_up"))
            )
        return text, figures


def _calibrated(
    result: Calibration, preset: Preset, source: str | None, language: str
) -> tuple[Parameters, dict, dict, list[Scaling]]:
    """A calibration applied as the app's "apply to model" does: values, 95 % ranges and where they came from.

    MODEL.md v3: the preset's volumes follow the file's customers, the file's currency (or "currency not
    stated") comes with its values, and cr and cu follow the complainers' churn the file measured.
    """
    from estimator.calibration.adjustment import reconcile_complainer_churn
    from estimator.calibration.params import calibration_sources

    values: dict[str, Any] = result.parameter_values()
    sources = calibration_sources(result.to_dict(), values)
    rescaled: dict[str, float] = {}
    note = None
    if "churn_resolved" not in result.estimates and "churn_complainers" in result.figures:
        rescaled, note = reconcile_complainer_churn(
            {**preset.parameters.to_dict(), **values}, result.figures["churn_complainers"]
        )
    scaled_values, scaled = scale_with_customers({**preset.parameters.to_dict(), **values}, sources, preset)
    values.update({item.key: scaled_values[item.key] for item in scaled})
    currency = {"currency": (result.adjustment.currency if result.adjustment else None) or NO_CURRENCY}
    params = preset.parameters.replace(**values, **rescaled, **(currency if "annual_value" in values else {}))
    ranges = result.uncertainty_ranges()
    with language_scope(language):
        locale = LANGUAGES[language].locale if language in LANGUAGES else "en"
        label = source or t("notebook.calibration_source")
        provenance = {
            key: provenance_description(result, key, label, params.currency, locale)
            for key in values
            if key not in {item.key for item in scaled}
        }
        if note is not None:
            provenance.update(dict.fromkeys(rescaled, note.text(language)))
    return params, ranges, provenance, scaled


def explore(
    source: str | Parameters | Mapping[str, Any] | Calibration = DEFAULT_PRESET,
    *,
    preset: str | None = None,
    language: str = DEFAULT_LANGUAGE,
    library: str | Path | None = None,
    data_source: str | None = None,
    display: bool = True,
) -> Explorer:
    """Explore a scenario with what-if sliders in the notebook.

    Parameters
    ----------
    source : str, Parameters, mapping or Calibration, default "generic_b2c"
        A preset name ("telecom_cable"); a scenario saved in the library (by name); a
        :class:`~estimator.Parameters` (or mapping of values); or a calibration result
        (:func:`estimator.calibration.calibrate`), whose estimates, 95 % ranges and provenance
        are applied to ``preset`` as "apply to model" does in the app.
    preset : str, optional
        The preset whose sources back the values (and which the resets return to); by default
        the one named by ``source``, else "generic_b2c".
    language : {"en", "pl", "hu", "nl", "el"}
        Words, and how numbers are written and read in the exact boxes ("37,5" in Polish).
    library : str or Path, optional
        The scenario library file for loading by name and for :meth:`Explorer.save`; by default
        ``$CHURN_ESTIMATOR_DB``, else the user's.
    data_source : str, optional
        How a calibration's values are cited (e.g. the extract's file name).
    display : bool, default True
        Show the app in the notebook now.

    Returns
    -------
    Explorer
        With ``.parameters``, ``.estimate``, ``.ranges``, ``.link()``, ``.save()`` and ``.report()``.

    Raises
    ------
    InputError
        For a name that is neither a preset nor a saved scenario (listing the presets), or
        invalid values.
    """
    base = load_preset(preset) if preset is not None else None
    ranges: dict[str, tuple[float, float]] = {}
    provenance: dict[str, str] = {}
    scaled: list[Scaling] = []
    range_reason = USER_RANGE
    if isinstance(source, Calibration):
        base = base or load_preset(DEFAULT_PRESET)
        params, ranges, provenance, scaled = _calibrated(source, base, data_source, language)
        range_reason = CALIBRATED_RANGE
    elif isinstance(source, str):
        if source in preset_names():
            base = base or load_preset(source)
            params = base.parameters
        else:
            store = ScenarioStore(library)
            if source not in store:
                raise InputError(
                    f"source: {source!r} is neither a preset nor a saved scenario in {str(store.path)!r}; "
                    f"allowed: a preset ({', '.join(preset_names())}) or a saved scenario's name"
                )
            saved = store.load(source)
            base = base or load_preset(DEFAULT_PRESET)
            params, ranges, provenance = saved.parameters, dict(saved.ranges), saved.descriptions
            range_reason = SAVED_RANGE
    else:
        base = base or load_preset(DEFAULT_PRESET)
        params = source if isinstance(source, Parameters) else Parameters(source)
    app = Explorer(
        base,
        params,
        ranges=ranges,
        provenance=provenance,
        language=language,
        library=library,
        scaled=scaled,
        calibration=source.to_dict() if isinstance(source, Calibration) else None,
        range_reason=range_reason,
    )
    if display:
        from IPython.display import display as show

        show(app.widget)
    return app

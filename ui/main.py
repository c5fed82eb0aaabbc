"""The page: build the run's context, then draw either the editing or the presentation view.

Order matters for speed: the headline is drawn before the charts and the sidebar, so after a
slider moves the new figures reach the browser while the rest of the page is still rendering.
"""

from __future__ import annotations

import gc
import html
import importlib
import sys
from collections.abc import Callable

import streamlit as st

from estimator import estimate
from estimator.library import preset_title, scenario_title
from estimator.text.formatting import upper_text
from estimator.text.i18n import current_locale, t, use_language
from ui import state
from ui.baseline import render_baseline_bar, render_comparison
from ui.context import Context
from ui.headline import render_headline_sentence, render_metrics, render_plausibility
from ui.messages import entry_problem_markdown, link_problem_markdown
from ui.overview import render_overview, render_warnings
from ui.plots import draw_deferred_charts, forget_deferred_charts
from ui.provenance import input_sources
from ui.sidebar import render_sidebar
from ui.style import apply_style

__all__ = ["TABS", "build_context", "run"]

#: Sidebar width in pixels (Streamlit's default is too narrow for a slider beside an exact box).
SIDEBAR_WIDTH = 420

TABS_KEY = "main_tabs"


def _panel(module: str, name: str) -> Callable[[Context], None]:
    """The panel ``module.name``, its module imported when the tab is first opened.

    The first screen shows the overview only; the other tabs' modules bring DuckDB, pandas,
    SQLAlchemy and the report writers, about two seconds of imports at start-up.
    """

    def render(ctx: Context) -> None:
        getattr(importlib.import_module(module), name)(ctx)

    render.__name__ = render.__qualname__ = name
    return render


#: The tabs under the headline: (catalogue key of the title, panel). Later issues add theirs here.
TABS: tuple[tuple[str, Callable[[Context], None]], ...] = (
    ("tabs.overview", render_overview),
    ("tabs.baseline", render_comparison),
    ("tabs.assumptions", _panel("ui.assumptions", "render_assumptions")),
    ("tabs.sensitivity", _panel("ui.uncertainty", "render_uncertainty")),
    ("tabs.calibration", _panel("ui.calibration", "render_calibration")),
    ("tabs.scenarios", _panel("ui.scenarios", "render_scenarios")),
    ("tabs.exports", _panel("ui.exports", "render_exports")),
)


def build_context() -> Context:
    """The current scenario, its estimate, its preset and the pinned baseline."""
    params = state.current_parameters()
    pinned = state.baseline()
    base_params, base_time = pinned if pinned else (None, None)
    preset = state.current_preset()
    sources = input_sources(params, preset)  # MODEL.md v3: file, entered, preset or default
    return Context(
        parameters=params,
        estimate=estimate(params, input_sources=sources, scaled=state.scaled()),
        preset=preset,
        baseline=base_params,
        baseline_estimate=estimate(base_params) if base_params is not None else None,
        baseline_time=base_time,
        locale=current_locale(),
    )


def _render_notices(ctx: Context) -> None:
    """Values from the link that were ignored, and typed values that are not used."""
    problems = state.link_problems()
    if problems:
        items = "\n".join(f"- {link_problem_markdown(problem)}" for problem in problems)
        with st.container(key="link_notice"):
            st.warning(f"{t('link.ignored_heading')}\n\n{items}", icon=":material/link_off:")
            st.button(t("link.dismiss"), key="dismiss_link_notice", type="tertiary", on_click=state.dismiss_link_problems)
    typed = state.entry_problems()
    if typed:
        items = "\n".join(f"- {entry_problem_markdown(ctx, problem)}" for problem in typed.values())
        st.error(f"{t('input.problems_banner')}\n\n{items}", icon=":material/error:")


def _render_edit(ctx: Context) -> None:
    scenario = scenario_title(ctx.parameters.name) or preset_title(ctx.preset)
    # Capitals made here, not by CSS text-transform: Greek capitals drop their accents (upper_text).
    overline = upper_text(f"{t('app.title')} · {scenario}")
    st.html(f'<div class="overline">{html.escape(overline)}</div>')
    _render_notices(ctx)
    render_plausibility(ctx)  # MODEL.md v3: before any figure
    render_headline_sentence(ctx)
    render_metrics(ctx)
    render_baseline_bar(ctx)
    render_warnings(ctx)
    # The inputs before the charts: on the first load the sliders become usable while the
    # charting code is still loading in the browser.
    render_sidebar(ctx)
    # Lazy tabs: only the open tab's panel runs, so a slider move redraws one panel, not six.
    tabs = st.tabs([t(title) for title, _ in TABS], key=TABS_KEY, on_change="rerun")
    for tab, (_, render) in zip(tabs, TABS, strict=True):
        with tab:
            if tab.open:
                render(ctx)


#: How many modules were loaded when the long-lived objects were last frozen.
_frozen_with_modules = 0


def _freeze_long_lived_objects() -> None:
    """After a run that imported modules, leave what exists now out of later garbage collections.

    Streamlit runs a full collection after every script run (``runner.postScriptGC``). With
    numpy, plotly, babel's data and the scenario library loaded it walks about 170,000 objects,
    some 130 ms holding the GIL after each slider move: most of the server's time per move, and
    what five users queue on. What exists after the imports (modules, classes, validators,
    catalogues) lives as long as the process, so it is frozen (:func:`gc.freeze`) and each later
    collection walks only what its run made. Done again when a run imported more (a tab opened
    for the first time): a few times per process, each keeping at most that run's cyclic garbage.
    """
    global _frozen_with_modules
    if len(sys.modules) != _frozen_with_modules:
        gc.freeze()
        _frozen_with_modules = len(sys.modules)


def run() -> None:
    """One script run: the whole app."""
    from ui.signin import require_sign_in, restore_link  # team hook (issue 26): in team mode, the sign-in page and nothing else

    restore_link()  # a link opened before sign-in, kept across the identity provider's round trip: before the URL is read
    use_language(state.initialise_language())
    state.initialise()
    forget_deferred_charts()
    presenting = state.view() == "present"
    st.set_page_config(
        page_title=t("app.page_title"),
        page_icon=":material/trending_down:",
        layout="wide",
        # A sidebar wide enough for a slider and an exact box side by side.
        initial_sidebar_state="collapsed" if presenting else SIDEBAR_WIDTH,
    )
    apply_style()
    require_sign_in()
    ctx = build_context()
    if presenting:
        from ui.present import render_presentation  # the assumptions table's modules, not needed to edit

        render_presentation(ctx)
    else:
        _render_edit(ctx)
    state.sync_query_params()
    draw_deferred_charts()
    _freeze_long_lived_objects()

"""What every deliverable shows, computed once: the estimate, the analyses and the assumptions.

:func:`build_content` runs the estimate, the tornado, the Monte Carlo, the levers and one
initiative's return on investment, and gathers every assumption with its source and
evidence grade. The deck, the workbook and the HTML page only lay out a
:class:`ReportContent`; none of them computes a figure.
"""

from __future__ import annotations

import locale as _locale
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from babel.numbers import format_decimal

from estimator.analysis.published import share_comparison
from estimator.analysis.registry import ANALYSES, run_analysis
from estimator.analysis.sensitivity import (
    DEFAULT_DRAWS,
    DEFAULT_INITIATIVE_ONE_OFF,
    DEFAULT_INITIATIVE_YEARLY,
    DEFAULT_SEED,
    Initiative,
    MonteCarloResult,
    Tornado,
    UncertaintyRanges,
    default_initiative_changes,
    initiative_roi,
)
from estimator.core.parameters import PARAMETER_SPECS, ParameterError, Parameters, Problem
from estimator.core.provenance import Scaling
from estimator.core.result import Estimate, estimate
from estimator.core.scenario import Scenario
from estimator.library import ASSUMPTION, SourceRef, scenario_title
from estimator.text.formatting import format_count, format_money, format_parameter, format_share
from estimator.text.i18n import (
    DEFAULT_LANGUAGE,
    available_languages,
    current_locale,
    grade_label,
    language_scope,
    param_label,
    t,
)
from estimator.text.messages import warning_text

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_SEED",
    "InitiativePlan",
    "ReportContent",
    "build_content",
    "initiative_facts",
    "locale_tag",
    "report_name",
]

#: Tornado bars shown in the documents (the workbook lists every parameter).
TORNADO_TOP = 10


@dataclass(frozen=True)
class InitiativePlan:
    """An initiative to price: what it changes and what it costs (in the scenario's currency).

    The default is the app's: resolve ten points more complaints for 100,000 once and 20,000 a year.
    """

    changes: Mapping[str, float] | None = None
    one_off_cost: float = DEFAULT_INITIATIVE_ONE_OFF
    yearly_cost: float = DEFAULT_INITIATIVE_YEARLY

    def changes_for(self, params: Parameters) -> dict[str, float]:
        """The changes, or by default ``resolved_share`` ten points up (at most 1)."""
        if self.changes is not None:
            return dict(self.changes)
        return default_initiative_changes(params)


@dataclass(frozen=True)
class ReportContent:
    """Everything a deliverable shows for one scenario.

    Attributes
    ----------
    parameters : Parameters
        The scenario (its ``name`` and ``currency`` included).
    estimate : Estimate
        Its figures and warnings.
    ranges : UncertaintyRanges
        The uncertainty ranges the analyses used.
    tornado : Tornado
        Every uncertain parameter's swing of the yearly total, largest first.
    monte_carlo : MonteCarloResult
        The distribution of the yearly total.
    levers : pandas.DataFrame
        Revenue recovered by each standard improvement (see :func:`estimator.analysis.sensitivity.levers`).
    initiative : Initiative
        The priced initiative.
    assumptions : pandas.DataFrame
        One row per parameter: ``value``, ``source`` (citation), ``evidence_id``, ``grade``,
        ``note``, ``user_input`` (True when the value is not the one the source backs).
    notes : str
        Free text the user attached to the scenario.
    language : str
        The language the documents are written in.
    created : datetime.date
    """

    parameters: Parameters
    estimate: Estimate
    ranges: UncertaintyRanges
    tornado: Tornado
    monte_carlo: MonteCarloResult
    levers: pd.DataFrame
    initiative: Initiative
    assumptions: pd.DataFrame
    notes: str = ""
    language: str = DEFAULT_LANGUAGE
    created: date = field(default_factory=date.today)
    #: The scenario's share of revenue next to the published shares (the deck's optional slide),
    #: from :func:`estimator.analysis.published.share_comparison`; None leaves the slide out.
    published: pd.DataFrame | None = None
    #: MODEL.md v3: the CFO sentence of the calibration the scenario rests on (the deck's method slide); "" without one.
    method_sentence: str = ""
    #: The values the sources back (the preset's): a scenario still named after its preset but
    #: with other values is called modified (:func:`report_name`).
    base: Parameters | None = None

    def scenario_name(self) -> str:
        """The scenario's name as the documents show it, in the current language (see :func:`report_name`)."""
        return report_name(self.parameters, self.base)

    @property
    def currency(self) -> str:
        return self.parameters.currency

    @property
    def locale(self) -> str:
        """The Babel locale of the documents' numbers, e.g. ``pl_PL`` for Polish."""
        with language_scope(self.language):
            return current_locale()

    def to_dict(self) -> dict[str, Any]:
        """The content as plain data (for notebooks and tests)."""
        return {
            "estimate": self.estimate.to_dict(),
            "tornado": self.tornado.to_dict(),
            "monte_carlo": self.monte_carlo.to_dict(),
            "levers": self.levers.reset_index().to_dict(orient="records"),
            "initiative": self.initiative.to_dict(),
            "assumptions": self.assumptions.reset_index().to_dict(orient="records"),
            "notes": self.notes,
            "language": self.language,
            "created": self.created.isoformat(),
            "published": None if self.published is None else self.published.reset_index().to_dict(orient="records"),
            "method_sentence": self.method_sentence,
        }


#: Evidence id and grade of a value calibrated from the client's data (see data/i18n/*/evidence.toml).
CLIENT_DATA = "client-data"
CLIENT_DATA_GRADE = "client data"


def _assumptions(
    params: Parameters,
    sources: Mapping[str, SourceRef] | None,
    base: Parameters | None,
    data_sources: Mapping[str, str] | None = None,
    scaled: Sequence[Scaling] = (),
) -> pd.DataFrame:
    """Every parameter with its source; a value that differs from ``base`` is the user's own input,
    unless it was calibrated from the client's data or scaled with the customers (MODEL.md v3: then
    it is still the source's figure, and ``scaled`` holds its :class:`Scaling` as a dict, written out in the
    document's language by :func:`source_grade_note`)."""
    scaled_by_key = {item.key: item for item in scaled}
    rows = []
    for key, spec in PARAMETER_SPECS.items():
        if key in (data_sources or {}):
            rows.append(
                {
                    "parameter": key,
                    "value": params[key],
                    "source": data_sources[key],
                    "evidence_id": CLIENT_DATA,
                    "grade": CLIENT_DATA_GRADE,
                    "note": "",
                    "user_input": False,
                    "scaled": None,
                }
            )
            continue
        ref = (sources or {}).get(key) or SourceRef(spec.source, spec.note)
        changed = base is not None and params[key] != base[key] and key not in scaled_by_key
        rows.append(
            {
                "parameter": key,
                "value": params[key],
                "source": "" if changed or ref.is_assumption else ref.citation,
                "evidence_id": "" if changed else ref.evidence_id,
                "grade": "" if changed else ref.grade,
                "note": "" if changed else ref.note_for(params, params.currency),
                "user_input": changed,
                "scaled": scaled_by_key[key].to_dict() if key in scaled_by_key else None,
            }
        )
    return pd.DataFrame(rows).set_index("parameter")


def scaled_note(item: Scaling) -> str:
    """How a volume was scaled with the customers, in the current language and its number marks
    ("scaled with customers: 480 = 20,000 × 2,400 / 100,000")."""
    locale = current_locale()
    count = lambda value: format_count(value, locale=locale, compact=False)  # noqa: E731
    return t(
        "input_source.scaled",
        value=count(item.value),
        base_value=count(item.base_value),
        customers=count(item.customers),
        base_customers=count(item.base_customers),
    )


#: When ``build_content``'s ``custom_ranges`` and ``data_sources`` go (the scenario carries both; issue 25's date).
OLD_KEYWORDS_REMOVAL = "2027-06-30"


def build_content(
    scenario: Scenario | Parameters,
    *,
    sources: Mapping[str, SourceRef] | None = None,
    base: Parameters | None = None,
    custom_ranges: Mapping[str, tuple[float, float]] | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    initiative: InitiativePlan | None = None,
    notes: str = "",
    language: str = DEFAULT_LANGUAGE,
    data_sources: Mapping[str, str] | None = None,
    published: bool = False,
    input_sources: Mapping[str, str] | None = None,
    method_sentence: str = "",
    scaled: Sequence[Scaling] = (),
) -> ReportContent:
    """Compute everything the deliverables show for ``params``.

    Parameters
    ----------
    scenario : Scenario or Parameters
        The scenario: its values, its custom uncertainty ranges (replacing the default ones), its
        notes (unless ``notes`` is given) and its provenance (values calibrated from the client's own
        data, e.g. "client data: extract.csv; 20,000 rows; 95 % interval …", cited as their source
        with the grade "client data" instead of a benchmark or "your input"). Bare parameters are a
        scenario without ranges or provenance.
    sources : mapping of SourceRef, optional
        Where each value comes from, e.g. ``Preset.sources``; by default the sources of the
        defaults in ``data/parameters.toml``.
    base : Parameters, optional
        The values the sources back (the preset's); a value that differs is marked as the
        user's input. Without it every value is credited to its source.
    draws, seed : int
        Monte Carlo draws and seed.
    initiative : InitiativePlan, optional
        The initiative to price; the default resolves ten points more complaints.
    notes : str
        Free text shown with the scenario (the scenario's notes by default).
    language : str
        Language of the documents; an unknown one falls back to English.
    published : bool, default False
        Add the slide comparing the scenario's share of revenue with the published estimates.
    input_sources : mapping of str, optional
        Every input's source (``file``, ``entered``, ``preset``, ``default``, MODEL.md v3), shown with
        the assumptions; guessed from the values (and ``data_sources``) when not given.
    method_sentence : str, optional
        The calibration's CFO sentence (:func:`estimator.calibration.sentence.cfo_sentence`), for the
        deck's method slide.
    scaled : sequence of Scaling, optional
        Volumes the scenario builder scaled with the customers (MODEL.md v3): cited as the source's
        figure with the scaling written out, not as the user's input.
    custom_ranges, data_sources : mapping, optional
        Deprecated (they warn): the scenario's ranges and provenance, for bare parameters.

    Returns
    -------
    ReportContent

    Raises
    ------
    ParameterError
        For invalid ranges, draws or initiative values.
    """
    if custom_ranges is not None or data_sources is not None:
        warnings.warn(
            "build_content: custom_ranges and data_sources are the scenario's ranges and provenance now "
            f"(pass a Scenario); the old keywords go on {OLD_KEYWORDS_REMOVAL}",
            DeprecationWarning,
            stacklevel=2,
        )
    if isinstance(scenario, Scenario):
        params, custom_ranges, data_sources = scenario.parameters, scenario.ranges, scenario.descriptions or None
        notes = notes or scenario.notes
    else:
        params = scenario
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ParameterError([Problem("seed", seed, "a whole number of at least 0", "not allowed")])
    ranges = UncertaintyRanges.around(params, custom_ranges)
    plan = initiative or InitiativePlan()
    result = estimate(params, input_sources=input_sources, scaled=scaled) if input_sources else estimate(params, scaled=scaled)
    labels = dict(result.input_sources)
    labels.update(dict.fromkeys(data_sources or {}, "file"))
    assumptions = _assumptions(params, sources, base, data_sources, result.scaled)
    assumptions["input_source"] = [labels.get(key, "default") for key in assumptions.index]
    return ReportContent(
        parameters=params,
        estimate=result,
        ranges=ranges,
        # The analyses the deliverables carry: the registry's with a report field, run as the app runs them.
        **{
            analysis.report_field: run_analysis(analysis.name, params, ranges, {"draws": draws, "seed": seed})
            for analysis in ANALYSES.values()
            if analysis.report_field
        },
        initiative=initiative_roi(params, plan.changes_for(params), plan.one_off_cost, plan.yearly_cost),
        assumptions=assumptions,
        notes=notes,
        language=language if language in available_languages() else DEFAULT_LANGUAGE,
        published=share_comparison(params) if published else None,
        method_sentence=method_sentence,
        base=base,
    )


def report_name(params: Parameters, base: Parameters | None = None) -> str:
    """The scenario's name for a document's title, footer and file name, in the current language.

    A scenario still carrying its preset's name but with other values is no longer the preset:
    its name says so ("Telecom and cable TV (modified)"). A name the user typed is shown as it
    is; no name at all is "Scenario".

    Parameters
    ----------
    params : Parameters
    base : Parameters, optional
        The preset's values the scenario started from.

    Returns
    -------
    str
    """
    name = scenario_title(params.name)
    if not name:
        return t("report.unnamed")
    changed = base is not None and (params.currency != base.currency or any(params[key] != base[key] for key in PARAMETER_SPECS))
    return t("report.modified", name=name) if changed and params.name == base.name else name


def warning_texts(content: ReportContent) -> list[str]:
    """The estimate's warnings in the current language, figures formatted, parameter keys as labels."""
    return [warning_text(warning, content.language) for warning in content.estimate.warnings]


def source_grade_note(row: pd.Series) -> tuple[str, str, str]:
    """How an assumptions row is cited in a document: source, evidence grade and note, in the
    current language (the user's own input, an assumption, the client's data or a published figure)."""
    source, grade, note = _source_grade_note(row)
    # MODEL.md v3: every input says whether it is the client's (file, entered) or a benchmark (preset, default).
    label = row.get("input_source") if hasattr(row, "get") else None
    if isinstance(label, str) and label and not (label == "file" and row["evidence_id"] == CLIENT_DATA):
        grade = f"{grade} · {t(f'input_source.{label}')}" if grade else t(f"input_source.{label}")
    scaled = row.get("scaled") if hasattr(row, "get") else None
    if isinstance(scaled, dict):  # said where the figure is shown, also in the deck (no note column)
        text = scaled_note(Scaling(**scaled))
        source = f"{source} · {text}" if source else text
    return source, grade, note


def _source_grade_note(row: pd.Series) -> tuple[str, str, str]:
    if row["user_input"]:
        return t("source.your_input"), "", ""
    if row["evidence_id"] == ASSUMPTION:
        return t("source.assumption"), t("source.grade_assumption"), row["note"]
    return row["source"], grade_label(row["grade"]), row["note"]


def finite(value: float | None) -> bool:
    """Whether ``value`` is a number that can be shown (not None, NaN or infinite)."""
    return value is not None and math.isfinite(value)


def locale_tag(locale: str) -> str:
    """A spreadsheet number format's locale prefix, e.g. ``[$-415]`` for Polish.

    LibreOffice then writes the locale's decimal and group marks ("21,3", "1 047,5"), whatever
    the reader's own locale (PowerPoint and Excel use the reader's marks and ignore it). Empty
    for a locale Windows has no code for. The deck's charts and the workbook's cells use it.

    >>> locale_tag("pl_PL"), locale_tag("en")
    ('[$-415]', '[$-409]')
    """
    language = str(locale).replace("-", "_")
    base = language.split("_")[0]
    codes = {name: code for code, name in _locale.windows_locale.items()}
    preferred = (language, f"{base}_{base.upper()}", "en_US" if base == "en" else "")
    code = next((codes[name] for name in preferred if name in codes), None) or next(
        (code for name, code in sorted(codes.items()) if name.split("_")[0] == base), None
    )
    return f"[$-{code:X}]" if code else ""


def format_months(months: float, locale: str) -> str:
    """A number of months with one decimal in the locale's marks ("21.3" in English, "21,3" in Polish)."""
    return format_decimal(round(months, 1), format="#,##0.0", locale=locale)


def initiative_facts(content: ReportContent, *, both_methods: bool) -> list[tuple[str, str]]:
    """The priced initiative as (label, value) rows in the current language, as the deck and the page show it.

    Parameters
    ----------
    content : ReportContent
    both_methods : bool
        Add the revenue recovered by the bottom-up count (shown beside the method's under top-down).
    """
    plan, currency, locale = content.initiative, content.currency, content.locale
    money = lambda value: format_money(value, currency, locale=locale)  # noqa: E731
    years = content.parameters.horizon_years
    changes = ", ".join(f"{param_label(k)} → {format_parameter(k, v, currency, locale=locale)}" for k, v in plan.changes.items())
    recovered = t("uncertainty.revenue_recovered")
    bottom_up = f"{recovered} ({t('interventions.series_bottom_up')})"
    return [
        (t("report.initiative.changes"), changes),
        (t("report.initiative.one_off"), money(plan.one_off_cost)),
        (t("report.initiative.yearly"), money(plan.yearly_cost)),
        (recovered, money(plan.revenue_recovered)),
        *([(bottom_up, money(plan.revenue_recovered_bottom_up))] if both_methods else []),
        (t("uncertainty.profit_recovered"), money(plan.profit_recovered)),
        (
            t("uncertainty.payback"),
            t("report.never")
            if plan.payback_months is None
            else t("uncertainty.months", months=format_months(plan.payback_months, locale)),
        ),
        (t("report.initiative.npv", years=years), money(plan.net_present_value)),
        (t("uncertainty.roi", years=years), "–" if plan.roi is None else format_share(plan.roi, locale=locale)),
    ]

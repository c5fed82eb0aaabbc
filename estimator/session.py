"""The session rules: one scenario being edited, over any mutable mapping (both apps use these).

The Streamlit app keeps a :class:`Session` over ``st.session_state`` (:mod:`ui.state`), the notebook
app over a plain dict (:mod:`estimator.notebook`), so the two cannot drift apart. What is stored
is plain data (the values as ``Parameters.to_dict()``, the preset's name, ranges and provenance
as dicts of tuples); what is read out is checked: :meth:`Session.parameters` is always valid and
:meth:`Session.scenario` is a :class:`~estimator.core.scenario.Scenario`, which saving and the
exports take.

The rules
---------
- **Set** (a slider, a box, code): the value is validated with the rest of the scenario and
  stored; nothing else changes. Where a value came from is kept beside the value the source gave,
  so a value moved by hand reads as entered, and saves as entered, until it is moved back.
- **Apply** (a calibration): values, their uncertainty ranges and where they came from, together.
- **Reset** some inputs to the preset: their values and their provenance go back to the preset's.
- **Choose a preset**: a new starting point. Every value is the preset's, and the custom ranges,
  the provenance and the applied calibration are forgotten. Ranges typed or calibrated for the
  previous scenario describe the uncertainty of *its* values (a churn interval from one client's
  data, a value range in another currency); kept, they would silently narrow the new preset's
  analyses where they happen to hold its values and be set aside with a warning where they do
  not. A consultant who picks another preset starts again, as the provenance already did.
- **Load** a saved scenario: its values, ranges (:data:`SAVED_RANGE`) and provenance, as saved;
  the volumes are as saved (never scaled) and the preset stays the one the session started from.
- **Usable ranges**: a custom range that no longer holds its parameter's value (a slider moved
  out of it) is set aside, not deleted, and the default range is used in its place.
- **Volumes follow the customers** (MODEL.md v3): a volume nobody entered (equal to the preset's,
  or to its last scaled value) is scaled with the customers, M = M0 · N / N0, when the customers
  change or it is reset; entered by hand, it is never scaled again.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

from estimator.core.parameters import PARAMETER_SPECS, InputError, ParameterError, Parameters, Problem
from estimator.core.provenance import SCALED_INPUTS, Scaling, base_of, scale_with_customers
from estimator.core.scenario import Scenario
from estimator.library import Preset, load_preset

__all__ = ["CALIBRATED_RANGE", "SAVED_RANGE", "USER_RANGE", "Session"]

#: Why a custom range is what it is (the range tables' reason column; the defaults' come from data/uncertainty.toml).
USER_RANGE = "set by the user"
CALIBRATED_RANGE = "95% interval of the calibration from the data"
SAVED_RANGE = "saved with the scenario"

#: Every input a reset of "all" puts back: the parameters and the currency.
ALL_INPUTS = (*PARAMETER_SPECS, "currency")


class Session:
    """One scenario being edited, its preset, ranges and provenance, kept in ``store``.

    Parameters
    ----------
    store : mutable mapping
        Where the session lives: ``st.session_state`` in the app, a dict in the notebook. The
        keys are the class attributes (``SCENARIO``, ``PRESET``, ...), so tests can read them.

    Examples
    --------
    >>> session = Session({})
    >>> session.start("generic_b2c")
    >>> _ = session.apply({"churn_rate": 0.21}, provenance={"churn_rate": "client file"})
    >>> _ = session.set({"churn_rate": 0.25})  # moved by hand: no longer the client's data
    >>> session.scenario().descriptions
    {}
    """

    SCENARIO = "scenario"
    PRESET = "preset_name"
    SCALED = "scaled_inputs"
    PROVENANCE = "scenario_provenance"
    RANGES = "uncertainty_custom_ranges"
    RANGE_REASONS = "uncertainty_range_reasons"
    CALIBRATION = "calibration_applied_json"

    def __init__(self, store: MutableMapping[str, Any]):
        self.store = store

    # --- starting --------------------------------------------------------------------------------

    @property
    def started(self) -> bool:
        """Whether the session holds a scenario yet."""
        return self.SCENARIO in self.store

    def start(
        self,
        preset: str,
        parameters: Parameters | Mapping[str, Any] | None = None,
        *,
        ranges: Mapping[str, tuple[float, float]] | None = None,
        range_reason: str = USER_RANGE,
        provenance: Mapping[str, str] | None = None,
        scaled: Iterable[Scaling] = (),
        calibration: Mapping[str, Any] | None = None,
    ) -> None:
        """Begin with ``parameters`` (the preset's values by default) on ``preset``.

        ``provenance`` describes the values given; ``scaled`` are the volumes already scaled with
        the customers; ``calibration`` is the applied calibration's JSON, if the values came from one.
        """
        values = load_preset(preset).parameters if parameters is None else Parameters(parameters)
        self.store[self.PRESET] = preset
        self.store[self.SCENARIO] = values.to_dict()
        self.store[self.SCALED] = {item.key: item for item in scaled}
        self._set_ranges(ranges or {}, range_reason)
        self.store[self.PROVENANCE] = {}
        self._record(provenance or {})
        self.store[self.CALIBRATION] = dict(calibration) if calibration else None

    # --- reading ---------------------------------------------------------------------------------

    @property
    def parameters(self) -> Parameters:
        """The current values (always valid)."""
        return Parameters(self.store[self.SCENARIO])

    @property
    def values(self) -> dict[str, Any]:
        """The current values as plain data (do not change it: use :meth:`set`)."""
        return self.store[self.SCENARIO]

    @property
    def preset_name(self) -> str:
        return self.store[self.PRESET]

    @property
    def preset(self) -> Preset:
        """The preset the scenario started from (the sources of its values, what resets return to)."""
        return load_preset(self.store[self.PRESET])

    @property
    def scaled(self) -> tuple[Scaling, ...]:
        """The volumes scaled with the customer base, for the estimate and its note."""
        return tuple(self.store.get(self.SCALED, {}).values())

    @property
    def applied_calibration(self) -> dict[str, Any] | None:
        """The JSON of the calibration last applied (its CFO sentence goes on the deck), or ``None``."""
        return self.store.get(self.CALIBRATION)

    def scenario(self, name: str = "", notes: str = "") -> Scenario:
        """The session as a :class:`Scenario`: values, the usable ranges and the provenance still true."""
        return Scenario(name, self.parameters, ranges=self.usable_ranges(), notes=notes, provenance=self.records)

    # --- provenance --------------------------------------------------------------------------------

    @property
    def records(self) -> dict[str, tuple[Any, str]]:
        """Every recorded source: parameter -> (the value the source gave, its description), true or not."""
        return dict(self.store.get(self.PROVENANCE, {}))

    @property
    def provenance(self) -> dict[str, tuple[Any, str]]:
        """The recorded sources still true of the current values (a value moved by hand since is the user's)."""
        return Scenario("", self.parameters, provenance=self.records).provenance

    @property
    def descriptions(self) -> dict[str, str]:
        """Parameter -> where its current value came from, for the values a source gave (what is saved)."""
        return {key: description for key, (_, description) in self.provenance.items()}

    def record(self, key: str) -> tuple[Any, str] | None:
        """The value a source gave ``key`` and its description, still true or not (``None`` when none did)."""
        return self.store.get(self.PROVENANCE, {}).get(key)

    def input_sources(self) -> dict[str, str]:
        """Every input's source (MODEL.md v3): ``file`` while it holds the value the data gave, ``entered``
        when moved from the preset by hand, else ``preset`` (stated by it) or ``default``. A volume scaled
        with the customers keeps its preset/default label (the estimate's note says it was scaled)."""
        preset, values, from_data = self.preset, self.values, self.provenance
        scaled = set(self.store.get(self.SCALED, {}))
        stated = set(preset.stated)
        calibration = self.applied_calibration
        out = {}
        for key in PARAMETER_SPECS:
            if key in from_data:
                # The whole base typed beside the file ("customers the extract stands for") was entered.
                out[key] = "entered" if key == "customers" and calibration and _stated_base(calibration) else "file"
            elif key not in scaled and values[key] != preset.parameters[key]:
                out[key] = "entered"
            else:
                out[key] = "preset" if key in stated else "default"
        return out

    # --- ranges ------------------------------------------------------------------------------------

    def custom_ranges(self) -> dict[str, tuple[float, float]]:
        """Every custom range of the session, parameter -> (low, high), usable or set aside."""
        return dict(self.store.get(self.RANGES, {}))

    def range_reasons(self) -> dict[str, str]:
        """Why each custom range is what it is (a calibration, a saved scenario, the user)."""
        return dict(self.store.get(self.RANGE_REASONS, {}))

    def checked_ranges(self) -> tuple[dict[str, tuple[float, float]], list[tuple[tuple[float, float], Problem]]]:
        """The custom ranges that hold the current values, and the bounds and problem of each that does not."""
        from estimator.core.ranges import UncertaintyRanges

        params = self.parameters
        usable, set_aside = {}, []
        for key, bounds in self.custom_ranges().items():
            try:
                UncertaintyRanges.around(params, {key: bounds})
            except ParameterError as error:
                set_aside += [(bounds, problem) for problem in error.problems]
            except InputError:
                continue
            else:
                usable[key] = (float(bounds[0]), float(bounds[1]))
        return usable, set_aside

    def usable_ranges(self) -> dict[str, tuple[float, float]]:
        """The custom ranges that hold the current values (see :meth:`checked_ranges`)."""
        return self.checked_ranges()[0]

    def set_ranges(self, ranges: Mapping[str, tuple[float, float]]) -> None:
        """The user's ranges: these replace every custom range (a range whose bounds changed is the user's)."""
        reasons, before = self.range_reasons(), self.custom_ranges()
        self.store[self.RANGES] = {key: (float(low), float(high)) for key, (low, high) in ranges.items()}
        self.store[self.RANGE_REASONS] = {
            key: reasons[key] for key in ranges if key in reasons and tuple(before.get(key, ())) == tuple(ranges[key])
        }

    def clear_ranges(self) -> None:
        """Back to the default ranges."""
        self._set_ranges({}, USER_RANGE)

    # --- changing ------------------------------------------------------------------------------------

    def set(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Values entered by hand, validated with the rest of the scenario.

        Returns
        -------
        dict
            Every value that changed, the given ones and the volumes that followed the customers.

        Raises
        ------
        ParameterError
            When a value is not valid; nothing changes then.
        """
        return self._change(values, entered=values)

    def apply(
        self,
        values: Mapping[str, Any],
        *,
        ranges: Mapping[str, tuple[float, float]] | None = None,
        range_reason: str = CALIBRATED_RANGE,
        provenance: Mapping[str, str] | None = None,
        calibration: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Values from a source (a calibration), with their ranges, where they came from and its JSON.

        The descriptions are recorded beside the values as stored (validated), so a later move by
        hand compares like with like. Returns what changed, as :meth:`set`.
        """
        changed = self._change(values, entered=values)
        if ranges:
            self.store[self.RANGES] = {**self.custom_ranges(), **{k: (float(lo), float(hi)) for k, (lo, hi) in ranges.items()}}
            self.store[self.RANGE_REASONS] = {**self.range_reasons(), **dict.fromkeys(ranges, range_reason)}
        self._record(provenance or {})
        if calibration is not None:
            self.store[self.CALIBRATION] = dict(calibration)
        return changed

    def record_sources(self, provenance: Mapping[str, str]) -> None:
        """Record where the current values of ``provenance``'s keys came from (descriptions)."""
        self._record(provenance)

    def record_calibration(self, calibration: Mapping[str, Any]) -> None:
        """Keep the applied calibration's JSON (for the deliverables' CFO sentence)."""
        self.store[self.CALIBRATION] = dict(calibration)

    def reset(self, keys: Iterable[str] | None = None) -> dict[str, Any]:
        """Put ``keys`` (every parameter and the currency when ``None``) back to the preset; their
        provenance is forgotten (back on the preset's benchmarks). Returns what changed."""
        keys = list(ALL_INPUTS if keys is None else keys)
        preset_values = self.preset.parameters.to_dict()
        changed = self._change({key: preset_values[key] for key in keys}, entered=(), reset=keys)
        self._forget(keys)
        return changed

    def choose_preset(self, name: str) -> None:
        """Start again from preset ``name``: its values; no custom range, provenance or calibration (see the module)."""
        self.start(name)

    def load(self, scenario: Scenario) -> None:
        """Make a saved scenario current: its values, ranges and provenance; the preset stays."""
        self.store[self.SCENARIO] = scenario.parameters.to_dict()
        self.store[self.SCALED] = {}  # a saved scenario's values are as saved: entered, never scaled
        self._set_ranges(scenario.ranges, SAVED_RANGE)
        self.store[self.PROVENANCE] = dict(scenario.provenance)
        self.store[self.CALIBRATION] = None  # the sentence of a calibration applied earlier is not this scenario's

    def follow_customers(self) -> dict[str, Any]:
        """Scale the volumes nobody entered to the current customers (a session opened on a link). Returns what changed."""
        return self._change({}, entered=(), reset=(), rescale=True)

    def rename(self, name: str) -> None:
        """The scenario is now called ``name`` (its ``name`` value, which a link carries)."""
        self.store[self.SCENARIO] = {**self.store[self.SCENARIO], "name": name}

    # --- the rules' mechanics ----------------------------------------------------------------------

    def _change(
        self, values: Mapping[str, Any], *, entered: Iterable[str], reset: Iterable[str] = (), rescale: bool = False
    ) -> dict[str, Any]:
        old = self.store[self.SCENARIO]
        entered, reset = set(entered), set(reset)
        proposed = {**old, **values}
        kept = dict(self.store.get(self.SCALED, {}))
        if rescale or "customers" in values or reset & {"customers", *SCALED_INPUTS}:
            kept = self._follow_customers(proposed, old, kept, entered, reset)
        else:
            kept = {key: item for key, item in kept.items() if key not in entered}  # entered by hand: never scaled again
        new = Parameters(proposed).to_dict()  # validates; raises ParameterError with nothing changed
        self.store[self.SCENARIO] = new
        self.store[self.SCALED] = kept
        return {key: value for key, value in new.items() if key in values or old.get(key) != value}

    def _follow_customers(
        self, proposed: dict[str, Any], old: Mapping[str, Any], kept: dict[str, Scaling], entered: set[str], reset: set[str]
    ) -> dict[str, Scaling]:
        """Scale in ``proposed`` the volumes nobody entered; returns the scalings made."""
        preset = self.preset
        _, base_values = base_of(preset)
        sources = {}
        for key in SCALED_INPUTS:
            untouched = old[key] == base_values[key] or (key in kept and math.isclose(old[key], kept[key].value, rel_tol=1e-12))
            follows = key not in entered and (key in reset or untouched)
            sources[key] = "preset" if follows else "entered"
        scaled, done = scale_with_customers(proposed, sources, preset)
        for key in SCALED_INPUTS:
            if sources[key] == "preset":  # back at N0 (nothing scaled): the preset's own volume
                proposed[key] = scaled[key] if done else base_values[key]
        return {item.key: item for item in done}

    def _record(self, provenance: Mapping[str, str]) -> None:
        # A description stands for the value held now; a (value, description) pair says what the source gave.
        values = self.store[self.SCENARIO]
        pairs = {
            key: tuple(entry) if isinstance(entry, tuple | list) and len(entry) == 2 else (values[key], entry)
            for key, entry in provenance.items()
        }
        self.store[self.PROVENANCE] = {**self.store.get(self.PROVENANCE, {}), **pairs}

    def _forget(self, keys: Iterable[str]) -> None:
        gone = set(keys)
        self.store[self.PROVENANCE] = {
            key: entry for key, entry in self.store.get(self.PROVENANCE, {}).items() if key not in gone
        }

    def _set_ranges(self, ranges: Mapping[str, tuple[float, float]], reason: str) -> None:
        self.store[self.RANGES] = {key: (float(low), float(high)) for key, (low, high) in ranges.items()}
        self.store[self.RANGE_REASONS] = dict.fromkeys(self.store[self.RANGES], reason)


def _stated_base(calibration: Mapping[str, Any]) -> bool:
    from estimator.calibration.params import is_stated_base

    return is_stated_base(calibration)

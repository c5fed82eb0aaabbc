"""The presets' files (``data/presets/<name>.toml``) as the core reads them: their names and values.

:mod:`estimator.library` makes a :class:`~estimator.library.Preset` of each (sources, titles in every
language); the core itself needs a preset's values and the inputs it states to tell which inputs of a
scenario named after it are the preset's (:func:`estimator.core.provenance.infer_provenance`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from estimator.core.parameters import Parameters
from estimator.paths import data_dir

__all__ = ["PresetFile", "preset_names", "read_preset_file"]


@dataclass(frozen=True)
class PresetFile:
    """One preset's file, read once: its table as written and its values, validated."""

    name: str
    table: Mapping[str, Any]
    parameters: Parameters

    @property
    def title(self) -> str:
        """The preset's English title (its file's ``title``, else its name): an unchanged preset's scenario name."""
        return self.table.get("title", self.name)

    @property
    def stated(self) -> tuple[str, ...]:
        """The parameters the preset states (the others are MODEL.md's defaults)."""
        return tuple(self.table.get("parameters", {}))

    @property
    def customer_base(self) -> float:
        """N0 (MODEL.md v3): the customer base the preset's volumes are sized for."""
        return float(self.table.get("customer_base", self.parameters.customers))


def _presets_dir() -> Path:
    return data_dir() / "presets"


@cache
def read_preset_file(name: str) -> PresetFile:
    """The preset ``name`` (a file stem in ``data/presets``) as its file holds it."""
    with open(_presets_dir() / f"{name}.toml", "rb") as handle:
        table = tomllib.load(handle)
    values: dict[str, Any] = {"name": table.get("title", name), "currency": table.get("currency", "EUR")}
    values.update({key: entry["value"] for key, entry in table.get("parameters", {}).items()})
    return PresetFile(name, table, Parameters(values))


def preset_names() -> list[str]:
    """The names of the presets in ``data/presets``, the generic one first."""
    return list(_preset_names_in(_presets_dir()))


@cache
def _preset_names_in(folder: Path) -> tuple[str, ...]:
    # Asked a dozen times per app run (picker labels, titles): scan the folder once.
    names = sorted(path.stem for path in folder.glob("*.toml"))
    return tuple(sorted(names, key=lambda n: n != "generic_b2c"))

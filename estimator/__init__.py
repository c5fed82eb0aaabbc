"""Estimate the yearly revenue a company loses to poor customer service.

The model, its parameter names and the evidence behind its defaults are specified in
MODEL.md. Typical use in a notebook::

    from estimator import estimate, load_preset
    est = estimate(load_preset("telecom_cable").parameters, churn_rate=0.2)
    est.total, est.to_frame(), est.warnings

For many scenarios at once, :func:`evaluate` takes arrays and returns arrays.
"""

from estimator.core.model import CHANNELS, Outputs, evaluate
from estimator.core.parameters import PARAMETER_SPECS, InputError, ParameterError, Parameters, ParameterSpec
from estimator.core.result import Estimate, ModelWarning, estimate
from estimator.library import Preset, SourceRef, list_presets, load_evidence, load_preset
from estimator.text.messages import warning_text

# The core words no warning itself (it imports no layer above it): the message pipeline does, installed here,
# which runs before any module of the package is used.
ModelWarning.words = warning_text

__all__ = [
    "CHANNELS",
    "PARAMETER_SPECS",
    "Estimate",
    "InputError",
    "ModelWarning",
    "Outputs",
    "ParameterError",
    "ParameterSpec",
    "Parameters",
    "Preset",
    "SourceRef",
    "estimate",
    "evaluate",
    "list_presets",
    "load_evidence",
    "load_preset",
    "read_scenario_file",
]


def __getattr__(name: str):
    # The scenario-file codec lives with the store (estimator.store.codec); imported when first asked for.
    if name == "read_scenario_file":
        from estimator.store.codec import read_scenario_file

        return read_scenario_file
    raise AttributeError(f"module 'estimator' has no attribute {name!r}")

"""Every figure renders the same inside and outside a Streamlit process (issue 23).

Importing Streamlit makes its plotly template the process's default; a figure without a
template of its own then changes layout inside the app (the page downloaded from the app had
its axis labels cut to "s", "e", ")"). The builders run in two fresh processes, one with
Streamlit's template active, and must give the same JSON.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import plotly.graph_objects as go
import pytest

from estimator.figures import base, charts, published, scenarios, uncertainty

pytestmark = pytest.mark.slow  # two fresh processes building every figure: about 6 s

GALLERY = Path(__file__).with_name("figure_gallery.py")
ROOT = GALLERY.parent.parent


def _gallery(*flags: str) -> dict[str, dict]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(GALLERY), *flags], capture_output=True, text=True, check=True, timeout=240, env=env, cwd=ROOT
    )
    return json.loads(done.stdout)


def _public_builders() -> set[str]:
    """Every public function of the figure modules that returns a plotly figure."""
    names = set()
    for module in (charts, published, scenarios, uncertainty):
        for name in module.__all__:
            member = getattr(module, name)
            if inspect.isfunction(member) and inspect.signature(member).return_annotation in (go.Figure, "go.Figure"):
                names.add(name)
    return names


def test_every_figure_renders_the_same_with_streamlits_template_active():
    plain, inside = _gallery(), _gallery("--streamlit")
    assert set(plain) == _public_builders(), "tests/figure_gallery.py must call every figure builder"
    for name, figure in plain.items():
        assert figure == inside[name], f"{name} lays out differently inside Streamlit"
        template = figure["layout"]["template"]["layout"]
        assert template["xaxis"]["automargin"] and template["yaxis"]["automargin"], name


def test_the_template_is_the_one_in_base():
    figure = charts.cross_check_bars(1.0, 2.0, labels={}, used="top_down")
    assert figure.layout.template.to_plotly_json() == go.layout.Template(base.TEMPLATE).to_plotly_json()

"""Benchmark: how fast a slider move updates the notebook app, against a bare ipywidgets slider.

Run by hand (not part of the tests):  python bench/bench_notebook.py [--changes 50] [--in-process]

Starts a real Jupyter kernel (jupyter_client, the same ipykernel JupyterLab uses), displays
``explore("generic_b2c")`` there so its widgets have live comms, and times in the kernel, for
--changes slider moves spread over several inputs (percent, logarithmic and linear sliders):
  - from setting the slider's value to the headline sentence and six figures being updated;
  - from setting it to the channel waterfall and the cross-check chart being redrawn
    (the plotly figures built, serialised and sent to their Output widgets);
and, in the same kernel and run, the baseline: one bare ``IntSlider`` whose observer updates one
``HTML`` widget. Prints median and p95 of each, and the ratios to the baseline's median.
Targets: headline within 50 ms, charts within 150 ms.

The slider is set from Python, so the time counted is the kernel's whole observer chain (what a
browser's change message triggers), not the browser's drawing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

KERNEL_CODE = r"""
import json, statistics, time
import ipywidgets as widgets
from IPython.display import display
from estimator.notebook import explore

CHANGES = {changes}
app = explore("generic_b2c")
moves = [
    ("churn_rate", [12.0, 15.5, 18.0, 21.0, 24.5]),
    ("customers", [120000.0, 150000.0, 200000.0, 250000.0, 80000.0]),
    ("complaint_rate", [8.0, 11.0, 14.5, 6.0, 9.5]),
    ("silent_ratio", [1.5, 3.0, 4.2, 2.0, 6.0]),
    ("horizon_years", [3, 4, 6, 7, 8]),
]
plan = [(key, values[(i // len(moves)) % len(values)]) for i in range(CHANGES) for key, values in [moves[i % len(moves)]]]
headline, charts = [], []
for key, value in [("churn_rate", 19.0)] + plan:  # the first move warms caches; not counted
    slider = app._inputs[key].slider
    start = time.perf_counter()
    slider.value = value
    assert app.refreshed_at[0] > start, f"{{key}} = {{value}} did not change the scenario"
    headline.append(app.refreshed_at[0] - start)
    charts.append(app.refreshed_at[1] - start)
headline, charts = headline[1:], charts[1:]

bare_slider, bare_html = widgets.IntSlider(min=0, max=100), widgets.HTML()
bare_slider.observe(lambda change: setattr(bare_html, "value", f"<b>{{change['new']}}</b>"), names="value")
display(widgets.VBox([bare_slider, bare_html]))
bare = []
for i in range(CHANGES + 1):
    start = time.perf_counter()
    bare_slider.value = (i * 7) % 100 + 1 if i % 2 else (i * 3) % 100 + 1
    bare.append(time.perf_counter() - start)
bare = bare[1:]

def summary(values):
    ordered = sorted(values)
    return {{"median": statistics.median(values), "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]}}

result = {{"headline": summary(headline), "charts": summary(charts), "baseline": summary(bare), "n": len(headline)}}
print("RESULT" + json.dumps(result))
"""


def run_in_kernel(code: str) -> dict:
    from jupyter_client.manager import start_new_kernel

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    manager, client = start_new_kernel(kernel_name="python3", env=env, cwd=str(ROOT))
    lines: list[str] = []
    errors: list[str] = []

    def on_output(message: dict) -> None:
        content = message["content"]
        if message["msg_type"] == "stream":
            lines.extend(content["text"].splitlines())
        elif message["msg_type"] == "error":
            errors.append("\n".join(content["traceback"]))

    try:
        client.execute_interactive(code, timeout=600, output_hook=on_output)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    if errors:
        sys.exit("the kernel reported an error:\n" + "\n".join(errors))
    return json.loads(next(line for line in lines if line.startswith("RESULT"))[len("RESULT") :])


def run_in_process(code: str) -> dict:
    import contextlib
    import io

    sys.path.insert(0, str(ROOT))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {})
    return json.loads(next(line for line in out.getvalue().splitlines() if line.startswith("RESULT"))[len("RESULT") :])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--in-process", action="store_true", help="no kernel: widgets without a front end (no comm traffic)")
    args = parser.parse_args()
    code = KERNEL_CODE.format(changes=args.changes)
    result = run_in_process(code) if args.in_process else run_in_kernel(code)
    ms = {name: {stat: value * 1000 for stat, value in result[name].items()} for name in ("headline", "charts", "baseline")}
    base = ms["baseline"]["median"]
    where = "in process, no front end" if args.in_process else "in a Jupyter kernel, live comms"
    print(f"Notebook app, {result['n']} slider changes ({where}):")
    for name, target in (("headline", 50), ("charts", 150)):
        figures = ms[name]
        print(
            f"  {name:<9} median {figures['median']:7.2f} ms   p95 {figures['p95']:7.2f} ms   "
            f"target {target} ms   ratio to baseline median {figures['median'] / base:6.1f}x"
        )
    print(f"  baseline  median {base:7.2f} ms   p95 {ms['baseline']['p95']:7.2f} ms   (bare IntSlider -> one HTML widget)")


if __name__ == "__main__":
    main()

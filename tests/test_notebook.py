"""The quickstart notebook runs top to bottom against the current API, so it never goes stale."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

# Each test runs its notebook in a real Jupyter kernel.
pytestmark = pytest.mark.jupyter

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "quickstart.ipynb"


def test_quickstart_notebook_executes_and_is_committed_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code_cells), "clear the outputs before committing"
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [output for cell in code_cells for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "a year" in printed and "probability the loss exceeds" in printed


EXPLORE = NOTEBOOK.parent / "explore.ipynb"


def test_explore_notebook_calibrates_explores_saves_and_writes_the_deck(tmp_path, monkeypatch):
    notebook = nbformat.read(EXPLORE, as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code_cells), "clear the outputs before committing"
    library = tmp_path / "library.sqlite3"
    monkeypatch.setenv("CHURN_ESTIMATOR_DB", str(library))  # the kernel inherits it: never the user's library
    NotebookClient(notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(EXPLORE.parent)}}).execute()
    outputs = [output for cell in code_cells for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    views = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(views) == 1  # explore() displayed the app
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "deck written: sample_client.pptx" in printed and "?preset=telecom_cable" in printed
    from estimator.store import ScenarioStore

    assert ScenarioStore(library).names() == ["Sample client, calibrated"]

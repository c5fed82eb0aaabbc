"""Re-create this folder's library and scenario files with the code of the checkout, and ``expected.json``.

Made on 2026-12-06 by the code of main before issue 25's refactoring; ``tests/test_old_library.py``
reads them with later code and compares with ``expected.json``. Re-run only to make a new fixture
(a new folder with the day's date), never to make a failing test pass::

    PYTHONPATH=. python3 tests/data/library_20261206/make.py [FOLDER]

What it holds:

- ``library.sqlite``: workspaces "Klient Łódź" and "Ügyfél Zrt."; "Base case" (3 versions by
  two authors, custom ranges, provenance, notes in French, Polish and Greek); "Calibrated from
  CRM" (a calibration's scenario file saved, then one value moved by hand); "Old telecom"
  renamed "Telecom — renamed"; "To move" moved to the other workspace as "Moved — Ελλάδα";
  "B2B contracts" in HUF with version 1 restored as version 3;
- ``base_case.json`` / ``base_case.toml``: "Base case" exported; ``b2b_version_1.toml``: an
  earlier version exported; ``workspace_klient.json``: the first workspace exported;
- ``calibration.json``: ``calibrate data/sample_customers.csv --format json``;
  ``calibrated.toml``: the same run's ``--write-params``;
- ``expected.json``: what the code read from each (``tests/test_old_library.py``'s readers).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _calibrate(folder: Path) -> None:
    """The calibration JSON and its --write-params file, written by the command line as a user would."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TZ": "UTC"}
    source = str(ROOT / "data" / "sample_customers.csv")
    common = [sys.executable, "-m", "estimator", "calibrate", source, "--no-progress", "--currency", "EUR"]
    output = subprocess.run([*common, "--format", "json"], cwd=folder, env=env, check=True, capture_output=True)
    (folder / "calibration.json").write_bytes(output.stdout)
    subprocess.run([*common, "--write-params", "calibrated.toml"], cwd=folder, env=env, check=True, capture_output=True)


def _library(folder: Path) -> None:
    """The library, through the store's public API."""
    from estimator.library import load_preset
    from estimator.store import ScenarioStore, export_scenario, read_scenario_path

    database = folder / "library.sqlite"
    klient = ScenarioStore(database, workspace="Klient Łódź")
    ugyfel = klient.in_workspace("Ügyfél Zrt.")

    generic = load_preset("generic_b2c").parameters.replace(name="Base case")
    klient.save("Base case", generic, notes="Première version — données du client", author="Zoë Ångström", note="first draft")
    klient.save(
        "Base case",
        generic.replace(churn_rate=0.2),
        ranges={"churn_rate": (0.15, 0.3)},
        notes="Première version — données du client\nChurn raised after the workshop.",
        expect_version=1,
        author="Łukasz Żółć",
        note="churn raised after workshop ✓",
    )
    klient.save(
        "Base case",
        generic.replace(churn_rate=0.2, annual_value=640.0),
        ranges={"churn_rate": (0.15, 0.3)},
        notes="Première version — données du client\nChurn raised after the workshop.\nΣημειώσεις: τιμή από το CRM.",
        provenance={"churn_rate": "client CRM export, Q3 2026 (12 months)", "annual_value": "Finance — rapport annuel 2025"},
        expect_version=2,
        author="Łukasz Żółć",
        note="annual value from finance",
    )

    calibrated = read_scenario_path(folder / "calibrated.toml")
    klient.save_draft(calibrated, name="Calibrated from CRM", author="Zoë Ångström", note="from the CRM extract")
    moved_by_hand = {key: text for key, text in calibrated.provenance.items() if key != "complaint_rate"}
    klient.save(
        "Calibrated from CRM",
        calibrated.parameters.replace(complaint_rate=0.2),
        ranges={key: bounds for key, bounds in calibrated.ranges.items() if key != "complaint_rate"},
        notes="complaint_rate set by hand: the extract misses phone complaints",
        provenance=moved_by_hand,
        expect_version=1,
        author="Ola Nowak",
        note="complaint rate by hand",
    )

    telecom = load_preset("telecom_cable").parameters
    klient.save("Old telecom", telecom, author="Ola Nowak", note="preset")
    klient.save("Old telecom", telecom.replace(method="bottom_up"), expect_version=1, author="Ola Nowak", note="bottom-up")
    klient.rename("Old telecom", "Telecom — renamed")

    klient.save("To move", generic.replace(currency="HUF", annual_value=250000.0), author="Péter Kovács", note="HUF")
    klient.save(
        "To move",
        generic.replace(currency="HUF", annual_value=260000.0),
        ranges={"annual_value": (200000.0, 300000.0)},
        notes="Ügyfél: forint értékek",
        expect_version=1,
        author="Péter Kovács",
        note="ár emelés",
    )
    klient.move("To move", "Ügyfél Zrt.", new_name="Moved — Ελλάδα")

    b2b = load_preset("b2b_contracts").parameters.replace(currency="HUF")
    ugyfel.save("B2B contracts", b2b, notes="Szerződések", author="Péter Kovács", note="első")
    ugyfel.save(
        "B2B contracts",
        b2b.replace(churn_rate=0.09),
        provenance={"churn_rate": "ügyfél adatai (CRM), 2026"},
        expect_version=1,
        author="Péter Kovács",
        note="lower churn",
    )
    ugyfel.restore("B2B contracts", 1, author="Zoë Ångström")

    (folder / "base_case.json").write_text(export_scenario(klient.load("Base case"), "json"), encoding="utf-8")
    (folder / "base_case.toml").write_text(export_scenario(klient.load("Base case"), "toml"), encoding="utf-8")
    version_1 = ugyfel.load_version("B2B contracts", 1)
    (folder / "b2b_version_1.toml").write_text(export_scenario(version_1, "toml"), encoding="utf-8")
    (folder / "workspace_klient.json").write_text(klient.export_workspace(), encoding="utf-8")


def _expected(folder: Path) -> None:
    """What today's code reads from each, by the test's own readers (on a copy of the library)."""
    import shutil
    import tempfile

    sys.path.insert(0, str(ROOT / "tests"))
    import test_old_library as readers

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "library.sqlite"
        shutil.copyfile(folder / "library.sqlite", copy)
        library = readers.read_library(copy)
        files = readers.read_files(folder)
        cli = readers.read_with_cli(folder, copy)
    expected = {"library": library, "files": files, "cli": cli}
    text = json.dumps(expected, indent=1, ensure_ascii=False, allow_nan=False, sort_keys=True) + "\n"
    (folder / "expected.json").write_text(text, encoding="utf-8")


def main(folder: Path) -> None:
    """Make the fixture in ``folder`` (its previous library and files are replaced)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("library.sqlite", "library.sqlite-wal", "library.sqlite-shm", "expected.json"):
        (folder / name).unlink(missing_ok=True)
    sys.path.insert(0, str(ROOT))
    _calibrate(folder)
    _library(folder)
    _expected(folder)
    leftovers = sorted(path.name for path in folder.glob("library.sqlite?*"))
    if leftovers:
        raise SystemExit(f"the library left {leftovers} beside it; close it before committing")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent)

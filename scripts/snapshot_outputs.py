"""Record or compare a snapshot of the command line's outputs, to prove a refactoring changed nothing a user sees.

Runs about 80 ``python -m estimator`` commands with fixed seeds, each in a subprocess importing
the code of the current directory (``PYTHONPATH`` set to it): ``estimate`` for every preset,
every ``sensitivity --kind``, ``report`` in each format, ``calibrate`` (JSON, table and
``--write-params``), the whole ``scenarios`` life cycle against a fresh SQLite library,
``presets``, ``benchmarks``, ``published`` and every ``--help``. For each command the exit
status, standard output, standard error and every file it wrote are kept; XLSX and PPTX files
are kept as their unzipped parts.

Usage (from the repository's root)::

    python3 scripts/snapshot_outputs.py --record DIR    # write the snapshot into DIR (emptied first)
    python3 scripts/snapshot_outputs.py --compare DIR   # run again, diff against DIR: exit 0 identical, 1 not

Normalisations (applied before recording and before comparing; each as narrow as it can be):

1. The temporary working directory's path becomes ``<TMP>`` and the repository's path
   ``<REPO>`` (commands run in a fresh temporary directory; their inputs are copied into it).
2. ISO-8601 date-times with a time of day within a day of the run's start keep their shape
   but not their digits: ``2026-12-06T05:20:31.123456+00:00`` becomes
   ``<DATE>Tnn:nn:nn.nnnnnn+00:00`` and ``2026-12-06 05:20`` ``<DATE> nn:nn`` (so a change of
   precision, separator or time zone still shows). Fixed dates (in plotly's bundled JavaScript,
   in files written in the past) are left alone.
3. Dates alone (``2026-12-06``) within a day of the run become ``<DATE>`` (the report's
   "prepared on" line, the store's "saved on" columns).
4. ZIP members (XLSX, PPTX) are stored as separate files, so the archive's member dates and
   compression do not count; the member list and order is recorded in ``<file>.members``.
   XML parts get a line break between adjacent tags (``><`` → ``>\\n<``) so a diff points at
   the changed element; this only adds line breaks, so no content change is hidden.
   ``docProps/core.xml``'s creation and modification times are covered by 2.
   Archives inside archives (the workbooks a deck's charts embed) are unpacked the same way.
5. PPTX ``docProps/thumbnail.jpeg`` and other binary members are compared byte for byte.
6. The size in "wrote report.xlsx (24,453 bytes)" becomes ``<SIZE>`` for XLSX and PPTX only:
   it changes with the compressed member dates; their content is compared member by member.

Nothing else is normalised: no random ids or durations appear in these outputs (Monte Carlo,
Sobol and the reports run with fixed seeds); if a command starts printing one, the comparison
shows it and this list should grow with a narrow rule.
"""

from __future__ import annotations

import argparse
import difflib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: Files copied from the repository into the working directory before the commands run (name there ← path here).
INPUTS = {
    "sample_customers.csv": "data/sample_customers.csv",
    "calibration_template.csv": "data/calibration_template.csv",
    "calibration_markdown.csv": "tests/hostile/calibration_markdown.csv",
    "calibration_bad_value.csv": "tests/hostile/calibration_bad_value.csv",
    "telecom_output.json": "tests/golden/telecom_cable.json",
    "markdown_name.toml": "tests/hostile/markdown_name.toml",
}
PRESETS = ("generic_b2c", "b2b_contracts", "online_retailer", "poland_consumer_services", "telecom_cable")
ZIP_SUFFIXES = (".xlsx", ".pptx")
#: Longest line of a diff printed (the HTML report holds megabyte-long lines of JavaScript).
DIFF_LINE_LIMIT = 400
DIFF_LINES_PER_OUTPUT = 200
#: Commands run at once (the machine has two cores; a command spends part of its time starting up).
WORKERS = 3
DIGIT = re.compile(r"\d")
#: "wrote report.xlsx (24,453 bytes)": an archive's size varies with its compressed dates (normalisation 6).
ARCHIVE_SIZE = re.compile(r"(\bwrote \S+\.(?:xlsx|pptx) \()[\d,]+ bytes\)")


@dataclass(frozen=True)
class Case:
    """One command: its name in the snapshot, its arguments after ``python -m estimator``, the files it writes.

    ``chained`` cases run one after the other, in order (each reads what the one before wrote);
    the others run in parallel with them.
    """

    name: str
    args: tuple[str, ...]
    writes: tuple[str, ...] = field(default=())
    chained: bool = False


def cases() -> list[Case]:
    """Every command run, in order (the ``scenarios`` ones depend on those before them)."""
    found: list[Case] = []
    chained = False

    def add(name: str, *args: str, writes: tuple[str, ...] = ()) -> None:
        found.append(Case(name, tuple(args), writes, chained))

    add("help", "--help")
    for command in ("estimate", "presets", "sensitivity", "calibrate", "report", "benchmarks", "scenarios", "published"):
        add(f"help_{command}", command, "--help")
    add("presets_table", "presets")
    add("presets_json", "presets", "--format", "json")
    add("benchmarks_table", "benchmarks")
    add("benchmarks_json", "benchmarks", "--format", "json")
    add("benchmarks_churn_rate", "benchmarks", "--parameter", "churn_rate")
    add("published_table", "published")
    add("published_json_pl", "published", "--format", "json", "--lang", "pl")

    # estimate: MODEL.md's defaults and every preset, both formats; --set, --params and an error.
    for preset in ("", *PRESETS):
        chosen = ("--preset", preset) if preset else ()
        label = preset or "default"
        add(f"estimate_{label}_table", "estimate", *chosen)
        add(f"estimate_{label}_json", "estimate", *chosen, "--format", "json")
    add("estimate_set", "estimate", "--preset", "telecom_cable", "--set", "churn_rate=0.2", "--set", "currency=USD")
    add("estimate_params_json", "estimate", "--params", "telecom_output.json", "--set", "customers=1000")
    add("estimate_params_toml", "estimate", "--params", "markdown_name.toml", "--format", "json")
    add("estimate_bad_set", "estimate", "--set", "churn_rate=2")

    # sensitivity: every kind for the defaults (table and JSON) and for one preset (JSON), then the options.
    kinds = {
        "tornado": (),
        "spider": (),
        "heatmap": ("--x", "churn_rate", "--y", "annual_value", "--points", "5"),
        "montecarlo": ("--draws", "2000", "--seed", "11"),
        "sobol": ("--n", "64", "--seed", "11"),
        "levers": (),
    }
    for kind, options in kinds.items():
        add(f"sensitivity_{kind}_default_table", "sensitivity", "--kind", kind, *options)
        add(f"sensitivity_{kind}_default_json", "sensitivity", "--kind", kind, *options, "--format", "json")
        add(
            f"sensitivity_{kind}_telecom_json",
            "sensitivity",
            "--preset",
            "telecom_cable",
            "--kind",
            kind,
            *options,
            "--format",
            "json",
        )
    for preset in ("b2b_contracts", "online_retailer", "poland_consumer_services"):
        add(f"sensitivity_tornado_{preset}", "sensitivity", "--preset", preset, "--kind", "tornado")
    add("sensitivity_tornado_top_range", "sensitivity", "--kind", "tornado", "--top", "3", "--range", "churn_rate=0.1:0.3")
    add(
        "sensitivity_montecarlo_lhs_threshold",
        "sensitivity", "--preset", "b2b_contracts", "--kind", "montecarlo", "--draws", "1000", "--seed", "5",
        "--sampling", "lhs", "--threshold", "3000000", "--format", "json",
    )  # fmt: skip
    add(
        "sensitivity_heatmap_xy",
        "sensitivity", "--kind", "heatmap", "--x", "churn_rate", "--y", "service_share", "--points", "3", "--format", "json",
    )  # fmt: skip
    add("sensitivity_spider_output", "sensitivity", "--kind", "spider", "--output", "profit_lost")
    add("sensitivity_bad_output", "sensitivity", "--kind", "tornado", "--output", "no_such_output")

    # report: each format; the HTML also in Polish with the published-estimates comparison.
    add("report_html", "report", "--out", "report.html", "--draws", "500", "--seed", "7", writes=("report.html",))
    add(
        "report_xlsx",
        "report",
        "--preset",
        "telecom_cable",
        "--out",
        "report.xlsx",
        "--draws",
        "500",
        "--seed",
        "7",
        writes=("report.xlsx",),
    )
    add("report_pptx", "report", "--out", "report.pptx", "--draws", "500", "--seed", "7", writes=("report.pptx",))
    add(
        "report_html_pl_published",
        "report", "--preset", "poland_consumer_services", "--out", "raport.html", "--draws", "300", "--seed", "3",
        "--lang", "pl", "--published", writes=("raport.html",),
    )  # fmt: skip

    # calibrate: JSON, table and --write-params; an untidy file; a refused one.
    add("calibrate_sample_json", "calibrate", "sample_customers.csv", "--format", "json", "--no-progress")
    chained = True  # from here on, each command reads what those before it wrote
    add(
        "calibrate_sample_write_params",
        "calibrate", "sample_customers.csv", "--no-progress", "--currency", "EUR", "--churn-window", "12",
        "--write-params", "calibrated.toml", writes=("calibrated.toml",),
    )  # fmt: skip
    add("calibrate_template_table", "calibrate", "calibration_template.csv", "--no-progress")
    add("calibrate_markdown_json", "calibrate", "calibration_markdown.csv", "--format", "json", "--no-progress")
    add("calibrate_bad_value", "calibrate", "calibration_bad_value.csv", "--no-progress")
    add("estimate_calibrated_params", "estimate", "--params", "calibrated.toml", "--format", "json")

    # scenarios: the whole life cycle against a fresh SQLite library.
    db = ("scenarios", "--db", "library.sqlite")
    add("scenarios_workspaces_empty", *db, "workspaces")
    add(
        "scenarios_save_base",
        *db,
        "save",
        "Base case",
        "--preset",
        "generic_b2c",
        "--notes",
        "Première note — ünïcode",
        "--author",
        "Zoë",
        "-m",
        "first",
    )
    add(
        "scenarios_save_base_v2",
        *db,
        "save",
        "Base case",
        "--preset",
        "generic_b2c",
        "--set",
        "churn_rate=0.2",
        "--author",
        "Ola",
        "-m",
        "churn up",
        "--expect-version",
        "1",
    )
    add(
        "scenarios_save_conflict",
        *db,
        "save",
        "Base case",
        "--set",
        "churn_rate=0.25",
        "--expect-version",
        "1",
        "--author",
        "Late",
    )
    add("scenarios_save_calibrated", *db, "save", "Calibrated", "--params", "calibrated.toml", "--author", "Zoë")
    add("scenarios_list_table", *db, "list")
    add("scenarios_list_json", *db, "list", "--format", "json")
    add("scenarios_show_table", *db, "show", "Base case")
    add("scenarios_show_json_v1", *db, "show", "Base case", "--version", "1", "--format", "json")
    add("scenarios_show_calibrated_json", *db, "show", "Calibrated", "--format", "json")
    add("scenarios_versions_table", *db, "versions", "Base case")
    add("scenarios_versions_json", *db, "versions", "Base case", "--format", "json")
    add("scenarios_export_json", *db, "export", "Base case")
    add("scenarios_export_toml", *db, "export", "Calibrated", "--format", "toml")
    add("scenarios_export_file", *db, "export", "Base case", "--version", "1", "--out", "base_v1.toml", writes=("base_v1.toml",))
    add("scenarios_import", *db, "import", "base_v1.toml", "--name", "Imported", "--author", "Zoë", "-m", "from file")
    add("scenarios_compare_table", *db, "compare", "Base case@1", "Base case", "Imported")
    add("scenarios_compare_json", *db, "compare", "Base case@1", "Calibrated", "--format", "json")
    add("scenarios_rename", *db, "rename", "Imported", "Imported renamed")
    add("scenarios_duplicate", *db, "duplicate", "Base case", "Copy of base")
    add("scenarios_restore", *db, "restore", "Base case", "1", "--author", "Ola")
    add("scenarios_move", *db, "move", "Copy of base", "Client Ł", "--new-name", "Moved copy")
    add("scenarios_workspaces", *db, "workspaces")
    add("scenarios_list_other_workspace", *db, "--workspace", "Client Ł", "list", "--format", "json")
    add("scenarios_export_workspace", *db, "export-workspace", "--out", "workspace.json", writes=("workspace.json",))
    add("scenarios_import_workspace", *db, "--workspace", "Copy", "import-workspace", "workspace.json")
    add("scenarios_list_copy", *db, "--workspace", "Copy", "list")
    add("scenarios_delete", *db, "delete", "Imported renamed")
    add("scenarios_show_unknown", *db, "show", "No such scenario")
    add("scenarios_versions_after", *db, "versions", "Base case", "--format", "json")
    return found


class Normaliser:
    """The replacements of the module's docstring, for one run (its directory and start time)."""

    def __init__(self, workdir: Path, started: datetime):
        self.paths = [(str(workdir.resolve()), "<TMP>"), (str(workdir), "<TMP>"), (str(REPO), "<REPO>")]
        days = {(started + timedelta(days=offset)).strftime("%Y-%m-%d") for offset in (-1, 0, 1)}
        dates = "|".join(re.escape(day) for day in sorted(days))
        # A date-time: the date, 'T' or a space, hh:mm, optional :ss(.ffffff), optional Z or ±hh:mm.
        self.timestamp = re.compile(rf"(?<!\d)(?:{dates})([T ])(\d\d:\d\d(?::\d\d(?:\.\d+)?)?)(Z|[+-]\d\d:?\d\d)?(?!\d)")
        self.date = re.compile(rf"(?<!\d)(?:{dates})(?![\d:])")

    def _timestamp(self, match: re.Match[str]) -> str:
        # The shape stays (separator, precision, time zone) so a change of format still shows.
        separator, clock, zone = match.group(1), match.group(2), match.group(3) or ""
        return "<DATE>" + separator + DIGIT.sub("n", clock) + zone

    def text(self, text: str) -> str:
        """The text with paths, date-times and dates of this run replaced."""
        for path, marker in self.paths:
            text = text.replace(path, marker)
        text = ARCHIVE_SIZE.sub(r"\1<SIZE> bytes)", text)
        text = self.timestamp.sub(self._timestamp, text)
        return self.date.sub("<DATE>", text)

    def data(self, data: bytes) -> bytes:
        """Bytes: normalised as text when UTF-8, else unchanged."""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return data
        return self.text(text).encode("utf-8")


def _run_environment(workdir: Path) -> dict[str, str]:
    """The commands' environment: this tree's code, UTC, a fixed user name, no library but the one given."""
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(REPO),
        TZ="UTC",
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
        COLUMNS="100",
        USER="snapshot",
        LOGNAME="snapshot",
        PYTHONHASHSEED="0",
        PYTHONIOENCODING="utf-8",
        CHURN_ESTIMATOR_DB=str(workdir / "default_library.sqlite"),
    )
    return env


def _outputs(
    case: Case, completed: subprocess.CompletedProcess[bytes], workdir: Path, norm: Normaliser
) -> Iterator[tuple[str, bytes]]:
    """(relative path in the snapshot, normalised content) of everything the command produced."""
    yield f"{case.name}/command", (" ".join(case.args) + "\n").encode("utf-8")
    yield f"{case.name}/exit_status", f"{completed.returncode}\n".encode()
    yield f"{case.name}/stdout", norm.data(completed.stdout)
    yield f"{case.name}/stderr", norm.data(completed.stderr)
    for written in case.writes:
        path = workdir / written
        if not path.exists():
            yield f"{case.name}/files/{written}.missing", b"not written\n"
            continue
        if path.suffix in ZIP_SUFFIXES:
            yield from _archive_parts(f"{case.name}/files/{written}", path.read_bytes(), norm)
        else:
            yield f"{case.name}/files/{written}", norm.data(path.read_bytes())


def _archive_parts(prefix: str, data: bytes, norm: Normaliser) -> Iterator[tuple[str, bytes]]:
    """The members of a ZIP archive (recursively: a deck embeds workbooks), XML with a break between tags."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        yield f"{prefix}.members", ("\n".join(names) + "\n").encode("utf-8")
        for member in names:
            content = archive.read(member)
            if member.endswith(ZIP_SUFFIXES):
                yield from _archive_parts(f"{prefix}.d/{member}", content, norm)
                continue
            if member.endswith((".xml", ".rels")):
                content = norm.data(content).replace(b"><", b">\n<")
            yield f"{prefix}.d/{member}", content


def run_all() -> tuple[dict[str, bytes], float]:
    """Run every case in a fresh directory; the normalised outputs by snapshot path, and the seconds taken."""
    started = time.monotonic()
    outputs: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="snapshot_") as tmp:
        workdir = Path(tmp)
        for name, source in INPUTS.items():
            shutil.copyfile(REPO / source, workdir / name)
        norm = Normaliser(workdir, datetime.now(UTC))
        env = _run_environment(workdir)

        def run(batch: list[Case]) -> list[tuple[str, bytes]]:
            produced = []
            for case in batch:
                completed = subprocess.run(
                    [sys.executable, "-m", "estimator", *case.args], cwd=workdir, env=env, capture_output=True, timeout=300
                )
                produced.extend(_outputs(case, completed, workdir, norm))
            return produced

        every = cases()
        # The chain first (the longest task), then the independent commands one per task.
        batches = [[case for case in every if case.chained]] + [[case] for case in every if not case.chained]
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            for produced in pool.map(run, batches):
                outputs.update(produced)
    return outputs, time.monotonic() - started


def record(folder: Path) -> int:
    """Write a fresh snapshot into ``folder``."""
    outputs, seconds = run_all()
    if folder.exists():
        shutil.rmtree(folder)
    for relative, content in outputs.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    print(f"recorded {len(outputs)} outputs of {len(cases())} commands into {folder} in {seconds:.0f} s")
    return 0


def _is_text(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _lines(content: bytes) -> list[str]:
    text = content.decode("utf-8", errors="replace")
    return [line if len(line) <= DIFF_LINE_LIMIT else line[:DIFF_LINE_LIMIT] + "…[line cut]" for line in text.splitlines()]


def compare(folder: Path) -> int:
    """Run again and print a unified diff per output that differs from ``folder``'s; 1 on any difference."""
    if not folder.is_dir():
        print(f"error: no snapshot at {folder}", file=sys.stderr)
        return 2
    outputs, seconds = run_all()
    recorded = {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file() and path.name != "DONE"
    }
    differing = 0
    for relative in sorted(set(outputs) | set(recorded)):
        before, after = recorded.get(relative), outputs.get(relative)
        if before == after:
            continue
        differing += 1
        if before is None or after is None:
            print(f"--- {relative}: {'new output' if before is None else 'output no longer produced'}")
            continue
        diff = []
        if _is_text(before) and _is_text(after):
            diff = list(
                difflib.unified_diff(_lines(before), _lines(after), f"before/{relative}", f"after/{relative}", lineterm="")
            )
        if not diff:  # binary content, or a difference in bytes only (line endings)
            diff = [f"--- {relative}: bytes differ ({len(before):,} → {len(after):,} bytes)"]
        print("\n".join(diff[:DIFF_LINES_PER_OUTPUT]))
        if len(diff) > DIFF_LINES_PER_OUTPUT:
            print(f"... {len(diff) - DIFF_LINES_PER_OUTPUT} more diff lines")
    compared = len(set(outputs) | set(recorded))
    print(f"compared {compared} outputs of {len(cases())} commands in {seconds:.0f} s: ", end="")
    print(f"{differing} differ" if differing else "all identical")
    return 1 if differing else 0


def main(argv: list[str] | None = None) -> int:
    """The command line: ``--record DIR`` or ``--compare DIR``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--record", type=Path, metavar="DIR", help="write the snapshot into DIR (replacing it)")
    mode.add_argument("--compare", type=Path, metavar="DIR", help="compare with the snapshot in DIR")
    args = parser.parse_args(argv)
    return record(args.record) if args.record else compare(args.compare)


if __name__ == "__main__":
    sys.exit(main())

"""The house's layers: no import cycle between modules, and no lower layer importing a higher one.

Every module of ``estimator/``, ``ui/`` and ``app.py`` is read with :mod:`ast`; an import counts wherever it is
written (module level, inside a function, under ``TYPE_CHECKING``), relative imports are resolved, and a string
that names a module of the tree exactly (``import_module("estimator.x")``, the engine and format registries,
the app's tabs opened on first use) counts as an import of it. The map below is ARCHITECTURE.md's.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: What is read: the packages and the top-level modules.
PACKAGES = ("estimator", "ui")
TOP_MODULES = ("app",)

#: The layers, lowest first. A module may import a module of its own layer or of a lower one. An entry names a
#: package (its modules with it) or one module; the longest entry naming a module places it. The root package
#: ``estimator`` places only its ``__init__`` (the façade): each flat module of it is placed by name.
#: - core: the model and what it stands on; ``paths`` (data folder, atomic writes) and ``urls`` (credentials
#:   hidden) import nothing of the package above the core, ``text.user_text`` (names and notes checked
#:   once) imports nothing at all (``Parameters`` validates a name with it), and ``deprecations`` (the old
#:   names) imports nothing of the package: any module may keep an old name with it.
#: - the domain: words (text), analyses, calibration, the store, and the flat modules that the app, the
#:   notebook and the CLI share: presets and the evidence library (``library``), input groups and slider
#:   scales (``controls``), links (``links``), the session rules of both UIs (``session``), the store's old
#:   name (``scenarios``). Modules of this layer may
#:   import each other (text words calibration's messages, calibration raises text's), but never in a cycle.
#: - deliverables: reports and figures.
#: - the front ends: the command line, the notebook app, the Streamlit app and the package's façade
#:   (``estimator/__init__``: the public names, for the outside; the package's modules import the module
#:   that defines a name) and ``__main__``.
#: - ``app.py``, Streamlit's entry point.
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "estimator.core",
        "estimator.paths",
        "estimator.urls",
        "estimator.text.user_text",
        "estimator.deprecations",
        "estimator.team_mode",
    ),
    (
        "estimator.text",
        "estimator.analysis",
        "estimator.calibration",
        "estimator.store",
        "estimator.library",
        "estimator.controls",
        "estimator.links",
        "estimator.session",
        "estimator.scenarios",
    ),
    ("estimator.reports", "estimator.figures"),
    ("estimator.cli", "estimator.notebook", "ui", "estimator", "estimator.__main__"),
    ("app",),
)
LAYER_NAMES = ("core", "domain", "deliverables", "front ends", "app.py")
#: Modules whose strings name modules without importing them: the table of old names and their new places
#: (a shim imports its new place when an old name is used, from outside: the tree uses none, see
#: tests/test_deprecations.py).
NOT_IMPORTS = frozenset({"estimator.deprecations"})

#: Imports that break the rules and are being removed elsewhere, (importer, imported): left out of the checks.
#: Edges allowed for a while (none: the Scenario codec removed the last ones, issue 25).
PENDING: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Import:
    """One import of a module of the tree: where it is written and what it names."""

    importer: str
    imported: str
    line: int

    def __str__(self) -> str:
        return f"{self.importer} -> {self.imported} (line {self.line})"


def module_files(root: Path, packages: Iterable[str] = PACKAGES, top_modules: Iterable[str] = TOP_MODULES) -> dict[str, Path]:
    """Every module under ``root``'s ``packages`` and its ``top_modules``: dotted name -> file."""
    files = [path for package in packages for path in sorted((root / package).rglob("*.py"))]
    files += [root / f"{name}.py" for name in top_modules if (root / f"{name}.py").is_file()]
    modules = {}
    for path in files:
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _known(name: str, modules: Mapping[str, Path]) -> str | None:
    """``name`` or the nearest package above it that is a module of the tree (``a.b.C`` -> ``a.b``)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str, path: Path, modules: Mapping[str, Path]) -> list[Import]:
    """The imports of tree modules written anywhere in ``module`` (at ``path``), relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    text_imports = module not in NOT_IMPORTS
    found = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            # ``from package import module`` imports the module; ``from module import name`` the module.
            targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source for alias in node.names]
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and "." in node.value
            and node.value in modules
            and text_imports
        ):
            targets = [node.value]  # import_module("estimator.x"), a registry of modules imported when used
        for target in targets:
            known = _known(target, modules)
            if known is not None and known != module:
                found.append(Import(module, known, node.lineno))
    return list(dict.fromkeys(found))  # ``from m import a, b`` is one import of m


def import_graph(root: Path, packages: Iterable[str] = PACKAGES, top_modules: Iterable[str] = TOP_MODULES) -> list[Import]:
    """Every import between the modules of the tree at ``root``."""
    modules = module_files(root, packages, top_modules)
    return [item for module, path in modules.items() for item in imports_of(module, path, modules)]


def layer_of(module: str, layers: tuple[tuple[str, ...], ...] = LAYERS) -> int | None:
    """The index of ``module``'s layer: the longest entry naming it or a package above it (see :data:`LAYERS`)."""
    best: tuple[int, int] | None = None
    for index, entries in enumerate(layers):
        for entry in entries:
            covers = module == entry or (module.startswith(entry + ".") and entry != "estimator")
            if covers and (best is None or len(entry) > best[1]):
                best = (index, len(entry))
    return None if best is None else best[0]


def upward_imports(graph: Iterable[Import], layers: tuple[tuple[str, ...], ...] = LAYERS) -> list[Import]:
    """The imports of a module of a higher layer than the importer's."""
    return [item for item in graph if (layer_of(item.imported, layers) or 0) > (layer_of(item.importer, layers) or 0)]


def cycles(graph: Iterable[Import]) -> list[list[Import]]:
    """One shortest cycle for each group of modules that import each other (a strongly connected component)."""
    edges: dict[str, dict[str, Import]] = {}
    for item in graph:
        edges.setdefault(item.importer, {}).setdefault(item.imported, item)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def connect(node: str) -> None:  # Tarjan's algorithm; the graph is a few hundred modules deep at most
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for following in edges.get(node, {}):
            if following not in index:
                connect(following)
                low[node] = min(low[node], low[following])
            elif following in on_stack:
                low[node] = min(low[node], index[following])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return [_shortest_cycle(sorted(component)[0], component, edges) for component in components]


def _shortest_cycle(start: str, component: set[str], edges: Mapping[str, Mapping[str, Import]]) -> list[Import]:
    """The shortest way from ``start`` back to itself inside ``component`` (breadth first)."""
    came_from: dict[str, Import] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for following, item in sorted(edges.get(node, {}).items()):
            if following not in component or following in came_from:
                continue
            came_from[following] = item
            if following == start:
                path = [item]
                while path[0].importer != start:
                    path.insert(0, came_from[path[0].importer])
                return path
            queue.append(following)
    raise AssertionError(f"{start} is in no cycle")  # a component of two or more always has one


def describe_cycle(cycle: list[Import]) -> str:
    """``a -> b (line 3) -> a (line 9)``."""
    return cycle[0].importer + "".join(f" -> {item.imported} (line {item.line})" for item in cycle)


def problems(
    graph: list[Import], layers: tuple[tuple[str, ...], ...] = LAYERS, pending: Iterable[tuple[str, str]] = ()
) -> list[str]:
    """Every cycle and upward import of ``graph`` in words, the ``pending`` imports left out."""
    waived = set(pending)
    kept = [item for item in graph if (item.importer, item.imported) not in waived]
    found = [f"import cycle: {describe_cycle(cycle)}" for cycle in cycles(kept)]
    names = dict(enumerate(LAYER_NAMES)) if layers is LAYERS else {}
    for item in upward_imports(kept, layers):
        low, high = layer_of(item.importer, layers), layer_of(item.imported, layers)
        found.append(f"upward import: {item} ({names.get(low, low)} imports {names.get(high, high)})")
    return found


# --- the tree -----------------------------------------------------------------------------------------------

GRAPH = import_graph(ROOT)


def test_the_tree_has_no_import_cycle_and_no_upward_import():
    found = problems(GRAPH, pending=PENDING)
    assert not found, "\n".join(found)


def test_every_module_has_a_layer():
    unplaced = [module for module in module_files(ROOT) if layer_of(module) is None]
    assert not unplaced, f"add these to LAYERS in tests/test_layers.py (and ARCHITECTURE.md): {unplaced}"


def test_the_reader_sees_imports_inside_functions_and_registries():
    """Imports the runtime makes late are read too: the PostgreSQL engine from the registry, a tab when it opens."""
    edges = {(item.importer, item.imported) for item in GRAPH}
    assert ("estimator.calibration.engines", "estimator.calibration.engines.postgresql") in edges  # ENGINES strings
    assert ("ui.main", "ui.calibration") in edges  # _panel("ui.calibration", ...)
    assert ("estimator.reports.formats", "estimator.reports.xlsx_report") in edges
    assert len(GRAPH) > 300


def test_each_pending_import_still_exists():
    """A pending import that is gone leaves the list (so the list never waives a new one of the same name)."""
    edges = {(item.importer, item.imported) for item in GRAPH}
    assert sorted(PENDING - edges) == []


# --- the checker itself ------------------------------------------------------------------------------------


def _write(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_cycle_and_an_upward_import_in_a_small_package_are_both_reported(tmp_path):
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/low/__init__.py": "",
            # a -> b at module level, b -> a inside a function (relative), a -> high inside a function.
            "pkg/low/a.py": "from pkg.low import b\n\ndef f():\n    from pkg.high.top import g\n    return g\n",
            "pkg/low/b.py": "def h():\n    from . import a\n    return a\n",
            "pkg/low/c.py": "import importlib\nMODULE = importlib.import_module('pkg.low.a')\n",
            "pkg/high/__init__.py": "",
            "pkg/high/top.py": "def g():\n    return 1\n",
            "pkg/high/other.py": "from ..low.c import MODULE\n",
        },
    )
    graph = import_graph(tmp_path, packages=("pkg",), top_modules=())
    layers = (("pkg.low",), ("pkg.high",))
    found = problems(graph, layers)
    assert found == [
        "import cycle: pkg.low.a -> pkg.low.b (line 1) -> pkg.low.a (line 2)",
        "upward import: pkg.low.a -> pkg.high.top (line 4) (0 imports 1)",
    ]
    # The string import and the relative one going down are edges, and allowed.
    assert Import("pkg.low.c", "pkg.low.a", 2) in graph and Import("pkg.high.other", "pkg.low.c", 1) in graph
    # Waived, the two are no longer reported; a clean package reports nothing.
    assert problems(graph, layers, pending={("pkg.low.b", "pkg.low.a"), ("pkg.low.a", "pkg.high.top")}) == []

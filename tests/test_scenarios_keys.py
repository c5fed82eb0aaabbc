"""The Scenarios tab owns its session and widget keys under one prefix, declared at the top of ui/scenarios.py.

Read with ``ast``: every ``key=`` argument and every ``st.session_state`` access names a module constant (or a
parameter/loop variable carrying one, or an f-string built on one), never a literal; every string constant of the
module is under :data:`ui.scenarios.PREFIX` and is its own CSS class (``st-key-<key>``, what the browser tests find).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import ui.scenarios

MODULE = Path(ui.scenarios.__file__)
#: The characters Streamlit keeps when it turns a key into the CSS class ``st-key-<key>`` (others become "-").
CSS_SAFE = re.compile(r"[A-Za-z0-9_-]+")
#: Calls whose ``key=`` is a sort key, not a Streamlit key.
SORTING = {"sorted", "min", "max", "sort"}
#: Methods of ``st.session_state`` whose first argument is a key.
ACCESSORS = {"get", "pop", "setdefault", "__setitem__", "__delitem__", "__getitem__", "__contains__"}


def _is_session_state(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "session_state"


def _key_expressions(tree: ast.Module) -> list[tuple[ast.AST, set[str]]]:
    """Each expression used as a key, with the local names (parameters, loop and assigned variables) in scope there."""
    found: list[tuple[ast.AST, set[str]]] = []

    def visit(node: ast.AST, local: set[str]) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            arguments = node.args
            local = local | {a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]}
            local |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        if isinstance(node, ast.Call):
            callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if callee not in SORTING:
                found.extend((keyword.value, local) for keyword in node.keywords if keyword.arg == "key")
            if callee in ACCESSORS and isinstance(node.func, ast.Attribute) and _is_session_state(node.func.value):
                found.extend((argument, local) for argument in node.args[:1])
        elif isinstance(node, ast.Subscript) and _is_session_state(node.value):
            found.append((node.slice, local))
        elif isinstance(node, ast.Compare) and any(_is_session_state(c) for c in node.comparators):
            found.append((node.left, local))
        for child in ast.iter_child_nodes(node):
            visit(child, local)

    visit(tree, set())
    return found


def key_problems(source: str, constants: dict[str, object], prefix: str) -> list[str]:
    """What breaks the one-prefix rule in ``source`` (a module), given its constants' values at run time."""
    tree = ast.parse(source)
    declared = {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name) and target.id.isupper()
    }
    keys = {name for name in declared if isinstance(constants.get(name), str)}
    problems = [
        f"{name} = {constants[name]!r}: not under {prefix!r} or not a CSS class as it is"
        for name in sorted(keys)
        if not (str(constants[name]).startswith(prefix) and CSS_SAFE.fullmatch(str(constants[name])))
    ]
    for expression, local in _key_expressions(tree):
        head = expression
        if isinstance(head, ast.JoinedStr):  # f"{STEM}_{fmt}": its first part must name a key
            head = head.values[0].value if head.values and isinstance(head.values[0], ast.FormattedValue) else head
        if isinstance(head, ast.Name) and (head.id in keys or head.id in local):
            continue
        problems.append(f"line {expression.lineno}: {ast.unparse(expression)} is no key constant of this module")
    return problems


def test_every_key_of_the_scenarios_tab_is_a_constant_under_its_one_prefix():
    assert ui.scenarios.PREFIX == "scenarios_"
    assert key_problems(MODULE.read_text(encoding="utf-8"), vars(ui.scenarios), ui.scenarios.PREFIX) == []


def test_a_key_outside_the_prefix_or_a_literal_key_is_found():
    source = """
import streamlit as st
PREFIX = "scenarios_"
GOOD = f"{PREFIX}good"
OLD = "store_old"
DOTTED = "scenarios_a.b"
TTL = 15.0

def render(key):
    st.button("a", key=GOOD)
    st.button("b", key="store_button")
    st.dataframe(None, key=f"{key}_table")
    st.button("c", key=f"literal_{key}")
    st.session_state["scenarios_flash"] = 1
    st.session_state.get(GOOD)
    st.session_state.pop(OLD, None)
    for name in (GOOD,):
        st.session_state.pop(name, None)
    return sorted([], key=str.casefold), "x" in st.session_state
"""
    constants = {"PREFIX": "scenarios_", "GOOD": "scenarios_good", "OLD": "store_old", "DOTTED": "scenarios_a.b", "TTL": 15.0}
    assert key_problems(source, constants, "scenarios_") == [
        "DOTTED = 'scenarios_a.b': not under 'scenarios_' or not a CSS class as it is",
        "OLD = 'store_old': not under 'scenarios_' or not a CSS class as it is",
        "line 11: 'store_button' is no key constant of this module",
        "line 13: f'literal_{key}' is no key constant of this module",
        "line 14: 'scenarios_flash' is no key constant of this module",
        "line 19: 'x' is no key constant of this module",
    ]

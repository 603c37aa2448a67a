"""The direction of dependencies is part of the design (README, "Layout"): a test keeps it.

import-linter checks the layers contract in pyproject.toml; the cycle check below covers what a
layers contract cannot see, such as two modules of one room importing each other, including
imports made inside functions.
"""

import sys

import grimp
from importlinter import configuration
from importlinter.application.use_cases import lint_imports

configuration.configure()


def test_layers_contract_is_kept():
    # Prints import-linter's report (shown by pytest on failure): which import breaks which layer.
    assert lint_imports(no_logo=True, cache_dir=None) is True


def _cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for module in sorted(graph.modules):
            if module not in index:
                visit(module)
    finally:
        sys.setrecursionlimit(limit)
    return found


def test_no_import_cycles_anywhere():
    graph = grimp.build_graph("disclosure", "bureaus")
    assert _cycles(graph) == []


def test_the_cycle_check_sees_a_cycle():
    """The check is not vacuous: a graph with a cycle is reported."""
    graph = grimp.ImportGraph()
    for a, b in [("x.a", "x.b"), ("x.b", "x.c"), ("x.c", "x.a"), ("x.c", "x.d")]:
        graph.add_import(importer=a, imported=b)
    assert _cycles(graph) == [["x.a", "x.b", "x.c"]]

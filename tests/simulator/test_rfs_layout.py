"""The RFS part of the simulator stays easy to change: files a reader can hold in mind, no import circle."""

import ast
import os

SIM_PACKAGE = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "simulator", "hwcloud_sim"))
MAX_LINES = 500


def _modules():
    return sorted(name[:-3] for name in os.listdir(SIM_PACKAGE) if name.endswith(".py"))


def _imports(module):
    """The package's modules that ``module`` imports, at any level (a function-level import is still an edge)."""
    with open(os.path.join(SIM_PACKAGE, module + ".py"), encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return found & set(_modules())


def test_rfs_files_are_at_most_500_lines():
    sizes = {}
    for module in _modules():
        if module.startswith("rfs") or module == "hcl":
            with open(os.path.join(SIM_PACKAGE, module + ".py"), encoding="utf-8") as handle:
                sizes[module] = len(handle.read().splitlines())
    assert {"rfs", "rfs_state", "rfs_runs", "rfs_plans", "rfs_diff", "rfs_analysis", "rfs_base", "hcl"} <= set(sizes)
    assert {module: lines for module, lines in sizes.items() if lines > MAX_LINES} == {}


def test_the_simulator_has_no_import_circle():
    graph = {module: _imports(module) for module in _modules()}
    assert "state" not in set().union(*(graph[m] for m in graph if m.startswith("rfs"))), "RFS files take helpers from common.py"

    def circle_from(start):
        path, seen = [start], set()

        def visit(module):
            for nxt in sorted(graph[module]):
                if nxt == start:
                    return path + [start]
                if nxt not in seen:
                    seen.add(nxt)
                    path.append(nxt)
                    found = visit(nxt)
                    if found:
                        return found
                    path.pop()
            return None

        return visit(start)

    circles = [circle_from(module) for module in graph]
    assert [c for c in circles if c] == []

"""A mark's path to the screens has no import circle (issue 19).

    services (marks...) -> services/standings.trade_changed -> publish.py (the worker)
    publish.py -> live.py -> services/standings.py (the computation)

The import graph of competition/ is read with ast (every import, also those inside
functions: a lazy import is still a dependency), and no module of the path may sit in
a cycle, nor import its caller."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "competition"
PATH = ("competition.publish", "competition.live", "competition.services.standings")


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imported(name: str, path: Path, known: dict) -> set[str]:
    """The modules of the package that ``name`` imports (a name imported from a package
    that is itself a module counts as that module)."""
    out = set()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            targets = [f"{prefix}.{a.name}" if f"{prefix}.{a.name}" in known else prefix
                       for a in node.names]
        else:
            continue
        for target in targets:
            while target not in known and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in known and target != name and target != "competition":
                out.add(target)
    return out


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imported(name, path, known) for name, path in known.items()}


def cycles(g: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]
    for root in g:
        if root in index:
            continue
        work = [(root, iter(sorted(g[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on.add(child)
                    work.append((child, iter(sorted(g.get(child, ())))))
                    break
                if child in on:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        out.append(component)
    return out


def test_the_cycle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_lazy_imports_inside_functions():
    g = graph()
    assert "competition.services.standings" in g["competition.live"]
    assert "competition.live" in g["competition.publish"]


@pytest.mark.parametrize("module", PATH[:3])
def test_no_module_on_a_marks_path_to_the_screens_is_in_an_import_circle(module):
    circles = [sorted(c) for c in cycles(graph()) if module in c]
    assert circles == [], f"{module} is in an import circle: {circles}"


def test_the_screens_and_the_publisher_are_in_no_circle_with_the_standings():
    """mark -> standings -> screen: whatever circle the computation is in, neither the
    publisher nor live.py is part of it."""
    for circle in cycles(graph()):
        assert not {"competition.live", "competition.publish"} & circle, sorted(circle)


def test_standings_import_neither_the_publisher_nor_the_screens_nor_promotions():
    g = graph()
    below = g["competition.services.standings"]
    assert not {"competition.live", "competition.publish"} & below
    assert not any(m.startswith("competition.services.promotions") for m in below)


def test_nothing_but_the_wiring_imports_the_publisher():
    """Services tell the publisher through services.standings.trade_changed (found in
    app.extensions), so the publisher may call promotions without a circle."""
    importers = {m for m, deps in graph().items() if "competition.publish" in deps}
    assert importers <= {"competition.web"}, importers

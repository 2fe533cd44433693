"""The layers as drawn (docs: /work/shared/ENGINEERING.md; issue 19), checked by reading the
import statements (ast) of every module in competition/ and exports/. Nothing is imported.

The rules:

1. The domain core (CORE below) imports nothing outside itself: only the standard library,
   the pure libraries in CORE_LIBRARIES (documents and validation) and other core modules.
   No Flask or a Flask extension, no SQLAlchemy, Werkzeug, click or Socket.IO; nothing of
   competition outside the core (models, extensions, services, web, live, cli, demo...);
   nothing from exports/. This holds for every import in a core module, at module level,
   inside a function and under TYPE_CHECKING alike.
2. exports/ (the document generators: plain data in, bytes out) imports no framework either,
   and from competition only the core (the shared helpers live in competition/formatting).
3. No import cycle among the top-level modules of competition (competition.X, a package
   counted as one module) through module-level imports, i.e. the imports that run when a
   module is first imported (those under TYPE_CHECKING do not run and are left out).
4. An import inside a function runs when the function is called, after every module has
   loaded, so it cannot break the import order; pointing back against rule 3's graph (an
   import that would close a cycle if it were at module level) is allowed only as a
   deliberate, listed deferral: DEFERRED below, each with its reason. A new one fails here:
   move the code to the layer it belongs to, or list it with a reason.
"""
from __future__ import annotations

import ast
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The domain core: packages and modules of competition that decide (scores, ranks, draws,
# brackets, promotions, registration's checks and sheets, the schedule's conflicts, the
# judges' consistency analysis), pure Python over plain data.
CORE = {"rules", "scoring", "brackets", "promotion", "registration", "schedule", "analysis",
        "formatting", "stages_overall"}
CORE_LIBRARIES = {"openpyxl", "reportlab", "pydantic", "tomli_w"}

# Function-local imports that point back up the module-level graph on purpose
# (importer's top-level module, imported top-level module) -> why.
DEFERRED = {
    # Inside the core: reading a marks file validates each mark with scoring's own
    # validator, and a workbook is checked by registration's zip guard first; scoring
    # imports rules' model at module level, so rules defers these two.
    ("rules", "scoring"): "a marks file's rows are validated by scoring.validate_mark",
    ("rules", "registration"): "uploaded workbooks go through registration.zipcheck first",
    # A bracket's final ranking gives awards by the rule's levels (scoring.ranking), while
    # scoring's stage standings import brackets' team rule at module level.
    ("brackets", "scoring"): "a bracket's places take awards by scoring.ranking.level_limits",
}


@dataclass(frozen=True)
class Import:
    module: str        # the importing module, e.g. competition.services.marks
    target: str        # what it imports, absolute, e.g. competition.scoring.ranking
    path: str          # file:line
    local: bool        # inside a function
    type_only: bool    # under `if TYPE_CHECKING:`


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


class _Collector(ast.NodeVisitor):
    def __init__(self, path: Path):
        self.path = path
        self.module = _module_name(path)
        self.package = self.module if path.name == "__init__.py" else self.module.rpartition(".")[0]
        self.in_function = 0
        self.in_type_checking = 0
        self.found: list[Import] = []

    def visit_FunctionDef(self, node):
        self.in_function += 1
        self.generic_visit(node)
        self.in_function -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_If(self, node):
        test = node.test
        name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
        if name == "TYPE_CHECKING":
            self.in_type_checking += 1
            for child in node.body:
                self.visit(child)
            self.in_type_checking -= 1
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def _add(self, target: str, node: ast.AST) -> None:
        rel = self.path.relative_to(ROOT)
        self.found.append(Import(self.module, target, f"{rel}:{node.lineno}",
                                 self.in_function > 0, self.in_type_checking > 0))

    def visit_Import(self, node):
        for alias in node.names:
            self._add(alias.name, node)

    def visit_ImportFrom(self, node):
        if node.level:
            base = self.package.split(".")
            base = base[:len(base) - node.level + 1]
            target = ".".join(base + ([node.module] if node.module else []))
        else:
            target = node.module
        if node.module is None:         # from . import x, y: each is a module (or a name)
            for alias in node.names:
                self._add(f"{target}.{alias.name}", node)
        else:
            self._add(target, node)


def _imports(*top_dirs: str) -> list[Import]:
    found = []
    for top in top_dirs:
        for path in sorted((ROOT / top).rglob("*.py")):
            collector = _Collector(path)
            collector.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
            found.extend(collector.found)
    return found


def _top(module: str) -> str | None:
    """competition.services.marks -> services; competition -> None."""
    parts = module.split(".")
    return parts[1] if parts[0] == "competition" and len(parts) > 1 else None


def _outside_core(imp: Import) -> bool:
    root = imp.target.split(".")[0]
    if root == "competition":
        top = _top(imp.target)
        return top is not None and top not in CORE
    if root == "__future__" or root in sys.stdlib_module_names:
        return False
    return root not in CORE_LIBRARIES


def test_the_domain_core_imports_nothing_outside_itself():
    core = [i for i in _imports("competition") if _top(i.module) in CORE]
    assert core, "no core modules found: did the layout change?"
    bad = [f"{i.path}: {i.module} imports {i.target}" for i in core if _outside_core(i)]
    assert not bad, ("The domain core must stay pure (standard library, "
                     f"{', '.join(sorted(CORE_LIBRARIES))} and the core itself):\n"
                     + "\n".join(bad))


def test_exports_use_no_framework_and_only_the_core_of_competition():
    bad = [f"{i.path}: {i.module} imports {i.target}" for i in _imports("exports")
           if i.target.split(".")[0] not in ("exports",) and _outside_core(i)]
    assert not bad, "exports/ takes plain data and the core's helpers only:\n" + "\n".join(bad)


def _graph(imports: list[Import]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for i in imports:
        a, b = _top(i.module), _top(i.target)
        if a and b and a != b:
            graph[a].add(b)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _module_level(imports: list[Import]) -> list[Import]:
    return [i for i in imports if not i.local and not i.type_only]


def test_top_level_modules_of_competition_import_each_other_without_a_cycle():
    imports = _module_level(_imports("competition"))
    cycles = _cycles(_graph(imports))
    lines = []
    for members in cycles:
        lines.append(" <-> ".join(members) + ":")
        lines += [f"  {i.path}: {i.module} imports {i.target}" for i in imports
                  if _top(i.module) in members and _top(i.target) in members
                  and _top(i.module) != _top(i.target)]
    assert not cycles, "Module-level import cycles:\n" + "\n".join(lines)


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        v = todo.pop()
        if v == goal:
            return True
        if v not in seen:
            seen.add(v)
            todo.extend(graph.get(v, ()))
    return False


def _deferred_back_imports() -> dict[tuple[str, str], list[str]]:
    imports = _imports("competition")
    graph = _graph(_module_level(imports))
    back: dict[tuple[str, str], list[str]] = defaultdict(list)
    for i in imports:
        a, b = _top(i.module), _top(i.target)
        if i.local and a and b and a != b and _reaches(graph, b, a):
            back[(a, b)].append(f"{i.path}: {i.module} imports {i.target}")
    return back


def test_function_local_imports_point_back_only_where_listed():
    unlisted = {pair: where for pair, where in _deferred_back_imports().items()
                if pair not in DEFERRED}
    assert not unlisted, (
        "Function-local imports that would close an import cycle (see this file's "
        "docstring, rule 4):\n" + "\n".join(
            f"{a} -> {b}:\n  " + "\n  ".join(where) for (a, b), where in unlisted.items()))


def test_the_checker_sees_cycles_and_relative_imports():
    # a -> b -> c -> a is one cycle; d hangs off it
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}) == [["a", "b", "c"]]
    tree = ast.parse("from ..services import marks\nfrom . import x\n"
                     "def f():\n    from flask import g\n")
    collector = _Collector(ROOT / "competition" / "web" / "judge.py")
    collector.visit(tree)
    assert [(i.target, i.local) for i in collector.found] == [
        ("competition.services", False), ("competition.web.x", False), ("flask", True)]

"""The layering of docs/architecture.md, checked by reading every module's imports: no import
cycle, models import no services, services import no blueprints, forms or request, the core
package imports no area, no module imports another's private names, and an import inside a
function says which cycle it avoids."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "summit"


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module (or the package a name was taken from)
    names: tuple[str, ...]
    line: int
    nested: bool  # inside a function or class body
    explained: bool  # a comment on the line or the one above names the cycle it avoids


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}
assert len(MODULES) > 100, f"no modules found under {PACKAGE}"


CYCLE = re.compile(r"#.*\bcycle\b", re.IGNORECASE)


def names_a_cycle(lines: list[str], node: ast.stmt) -> bool:
    """A comment on the statement's lines or the two lines above says which cycle it avoids."""
    return any(CYCLE.search(line) for line in lines[max(node.lineno - 3, 0):node.end_lineno])


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _walk(node: ast.AST, nested: bool = False):
    """Import statements with whether they run inside a function; `if TYPE_CHECKING:` blocks
    never run and are left out."""
    for child in ast.iter_child_nodes(node):
        if _type_checking(child):
            continue
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child, nested
        inner = nested or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                             ast.ClassDef, ast.Lambda))
        yield from _walk(child, inner)


def imports_of(name: str) -> list[Import]:
    path = MODULES[name]
    lines = path.read_text().splitlines()
    found = []
    for node, nested in _walk(ast.parse(path.read_text())):
        explained = names_a_cycle(lines, node)
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(name, alias.name, (), node.lineno, nested, explained))
            continue
        base = node.module or ""
        if node.level:
            package = name if path.name == "__init__.py" else name.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{base}".rstrip(".")
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            if submodule in MODULES:
                found.append(Import(name, submodule, (), node.lineno, nested, explained))
            else:
                found.append(Import(name, base, (alias.name,), node.lineno, nested, explained))
    return found


IMPORTS = {name: imports_of(name) for name in sorted(MODULES)}


def ours(target: str) -> bool:
    return target == "summit" or target.startswith("summit.")


def where(found: Import) -> str:
    return f"{MODULES[found.source].relative_to(ROOT)}:{found.line} imports {found.target}"


def test_the_import_graph_has_no_cycle():
    """Imports that run when a module is loaded, and imports inside functions too unless they
    name the cycle they break, form no cycle."""
    graph = {name: sorted({i.target for i in found if i.target in MODULES and i.target != name
                           and not (i.nested and i.explained)})
             for name, found in IMPORTS.items()}
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(name: str) -> None:
        state[name] = 1
        stack.append(name)
        for target in graph[name]:
            if state.get(target) == 1:
                cycles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[name] = 2

    for name in graph:
        if name not in state:
            visit(name)
    assert cycles == [], "\n".join(" -> ".join(cycle) for cycle in cycles)


def test_imports_inside_functions_name_the_cycle_they_avoid():
    unexplained = [where(i) for found in IMPORTS.values() for i in found
                   if i.nested and not i.explained]
    assert unexplained == []


def test_tests_and_benchmarks_import_at_the_top():
    nested = []
    for path in sorted([*(ROOT / "tests").rglob("*.py"), *(ROOT / "bench").rglob("*.py")]):
        lines = path.read_text().splitlines()
        for node, inside in _walk(ast.parse(path.read_text())):
            if inside and not names_a_cycle(lines, node):
                nested.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert nested == []


LAYER_RULES = [
    # (modules under, may not import, why)
    ("summit.models", ("summit.services", "summit.blueprints", "summit.forms", "flask.request"),
     "models hold data, not rules"),
    ("summit.services", ("summit.blueprints", "summit.forms", "flask_wtf", "wtforms",
                         "flask.request"),
     "services take validated values, never a request or a form"),
    ("summit.services.core", tuple(f"summit.services.{area}" for area in (
        "accounts", "summits", "registration", "agenda", "bookings", "badges", "checkin",
        "press", "agreements", "demo")),
     "the core package serves every area and knows none"),
]


@pytest.mark.parametrize("under, refused, why", LAYER_RULES, ids=[r[0] for r in LAYER_RULES])
def test_each_layer_imports_only_what_it_may(under, refused, why):
    broken = []
    for name, found in IMPORTS.items():
        if name != under and not name.startswith(under + "."):
            continue
        for i in found:
            targets = [i.target] + [f"{i.target}.{n}" for n in i.names]
            if any(t == r or t.startswith(r + ".") for t in targets for r in refused):
                broken.append(where(i))
    assert broken == [], why


WRITERS = ("openpyxl.Workbook", "openpyxl.workbook", "csv.writer", "csv.DictWriter")


def test_every_export_goes_through_the_one_export_writer():
    """Only services/core/exports.py creates workbooks or CSV writers: user text reaches a
    spreadsheet as text, never as a formula (issue 16)."""
    broken = []
    for name, found in IMPORTS.items():
        if name == "summit.services.core.exports":
            continue
        for i in found:
            targets = [f"{i.target}.{n}" for n in i.names] or [i.target]
            if any(t.startswith(WRITERS) for t in targets):
                broken.append(where(i))
        source = MODULES[name].read_text()
        if "csv.writer(" in source or "csv.DictWriter(" in source:
            broken.append(f"{MODULES[name].relative_to(ROOT)} writes CSV")
    assert broken == []


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_module_takes_another_modules_private_names():
    """Neither ``from module import _name`` nor ``module._name`` on a module of ours."""
    taken = [f"{where(i)}: {', '.join(i.names)}" for found in IMPORTS.values() for i in found
             if ours(i.target) and any(private(n) for n in i.names)]
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text())
        modules = {alias.asname or alias.name.rpartition(".")[2]
                   for i in IMPORTS[name] if i.target in MODULES and not i.names
                   for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                   and node.lineno == i.line for alias in node.names}
        taken += [f"{path.relative_to(ROOT)}:{node.lineno}: {node.value.id}.{node.attr}"
                  for node in ast.walk(tree)
                  if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                  and node.value.id in modules and private(node.attr)]
    assert taken == []


def test_every_service_area_is_a_package_of_modules():
    """Rules live in ``services/<area>/<module>.py``; no module sits loose in services/."""
    services = PACKAGE / "services"
    loose = sorted(p.name for p in services.glob("*.py") if p.name != "__init__.py")
    assert loose == []


# --- the tests' own layout ------------------------------------------------------------------

TESTS = ROOT / "tests"


def _is_fixture(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return ast.unparse(target) in ("pytest.fixture", "fixture")


def fixtures_defined() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(TESTS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and any(map(_is_fixture,
                                                             node.decorator_list)):
                found.setdefault(node.name, []).append(
                    f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_fixture_is_defined_once():
    """Shared fixtures live in the plugin (tests/support/); a test module keeps only fixtures
    no other module defines, and a variant is named for what differs."""
    twice = {name: places for name, places in fixtures_defined().items() if len(places) > 1}
    assert twice == {}


def test_no_test_module_imports_another():
    """What several test modules share lives in tests/support/, never in a test module."""
    taken = []
    for path in sorted(TESTS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            if any(part.startswith("test_") for module in modules
                   for part in module.split(".")):
                taken.append(f"{path.relative_to(ROOT)}:{node.lineno} {modules[0]}")
    assert taken == []

"""The shape every app follows (docs/decisions/, /work/shared/docs/ARCHITECTURE.md), checked on the
source: no import cycles, no private names across modules, keyword-only services, and apps that
depend downward only. Read with `ast` (and `inspect` for the services); no database."""

from __future__ import annotations

import ast
import importlib
import inspect
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "tthc"

# Which apps each app may import (ARCHITECTURE.md, "Apps depend downward only"): core ← org ←
# workdays ← catalog ← dossiers, feedback, simplification ← metrics; content and plans use org
# and catalog (so what lies below catalog too). An app may always import itself; the project
# modules (settings, urls, api, cli) and the demo data may import every app.
BELOW: dict[str, set[str]] = {
    "core": set(),
    "org": {"core"},
    "workdays": {"org"},
    "catalog": {"workdays"},
    "dossiers": {"catalog"},
    "feedback": {"catalog"},
    "simplification": {"catalog"},
    "metrics": {"dossiers", "feedback", "simplification"},
    "content": {"org", "catalog"},
    "plans": {"org", "catalog"},
}
PROJECT = "<project>"
EVERYTHING = {"demo", PROJECT}


def allowed(app: str) -> set[str]:
    """`app` and everything below it (the transitive closure of `BELOW`)."""
    seen = {app}
    todo = list(BELOW[app])
    while todo:
        below = todo.pop()
        if below not in seen:
            seen.add(below)
            todo.extend(BELOW[below])
    return seen


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    line: int
    target: str  # the tthc module imported (the longest known prefix of what is named)
    names: tuple[str, ...]  # `from target import names`; empty for `import target`
    function_level: bool


@cache
def modules() -> dict[str, Path]:
    """Every tthc module (migrations left out: they are history, not code to layer)."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def known(name: str) -> str | None:
    """The tthc module `name` lies in (a module, or a name inside one), None outside tthc."""
    mods = modules()
    while name and name not in mods:
        name = name.rpartition(".")[0]
    return name or None


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(inner) for inner in ast.walk(node))
    return skipped


@cache
def tree_of(module: str) -> ast.Module:
    return ast.parse(modules()[module].read_text(encoding="utf-8"))


def _base(module: str, node: ast.ImportFrom) -> str:
    """The absolute name of what `from <base> import ...` in `module` imports from."""
    base = node.module or ""
    if node.level:
        package = module.split(".")
        if modules()[module].name != "__init__.py":
            package = package[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, *([base] if base else [])])
    return base


@cache
def imports() -> tuple[Import, ...]:
    """Every import of a tthc module by a tthc module, at any depth of the code (a function-level
    import still ties the two modules together), except under `if TYPE_CHECKING:`."""
    found = []
    for module in modules():
        tree = tree_of(module)
        skipped = _type_checking_nodes(tree)
        top = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                named = [(alias.name, ()) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _base(module, node)
                names = tuple(alias.name for alias in node.names)
                # `from tthc.app import module` imports the module itself.
                named = [(base, names)] + [
                    (f"{base}.{name}", ()) for name in names if f"{base}.{name}" in modules()
                ]
            else:
                continue
            for name, names in named:
                target = known(name)
                if target is not None and target != module:
                    found.append(Import(module, node.lineno, target, names, id(node) not in top))
    return tuple(found)


def app_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 1 and (PACKAGE / parts[1]).is_dir():
        return parts[1]
    return PROJECT


def cycles() -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    edges: dict[str, set[str]] = {module: set() for module in modules()}
    for imp in imports():
        edges[imp.module].add(imp.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(start: str) -> None:
        # Iterative, so that a long chain of imports cannot overflow the recursion limit.
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return found


def _describe(component: list[str]) -> str:
    members = set(component)
    lines = [" ↔ ".join(component)]
    for imp in imports():
        if imp.module in members and imp.target in members:
            where = "in a function" if imp.function_level else "at the top"
            lines.append(f"    {imp.module}:{imp.line} imports {imp.target} ({where})")
    return "\n".join(lines)


def test_the_import_graph_is_read_from_the_source():
    # The checks below only mean something if the walk finds the imports: a known one of each kind.
    pairs = {(imp.module, imp.target) for imp in imports()}
    assert ("tthc.org.policy", "tthc.core.errors") in pairs
    assert ("tthc.dossiers.services", "tthc.dossiers.transitions") in pairs
    assert len(modules()) > 100


def test_no_import_cycles_among_tthc_modules():
    """Counting imports inside functions: a function-level import must not hide a loop."""
    found = cycles()
    assert not found, "Import cycles:\n" + "\n".join(_describe(c) for c in found)


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_no_module_imports_a_private_name_of_another():
    offences = []
    for imp in imports():
        for name in imp.names:
            if _private(name):
                offences.append(f"{imp.module}:{imp.line} imports {name} from {imp.target}")
    # `module._name` on an imported tthc module is the same reach, written differently.
    for module in modules():
        tree = tree_of(module)
        aliases: dict[str, str] = {}  # local name -> the tthc module it is bound to
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname and alias.name in modules():
                        aliases[alias.asname] = alias.name
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    full = f"{_base(module, node)}.{alias.name}"
                    if full in modules() and full != module:
                        aliases[alias.asname or alias.name] = full
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and _private(node.attr)
            ):
                offences.append(
                    f"{module}:{node.lineno} uses {node.attr} of {aliases[node.value.id]}"
                )
    assert not offences, "Private names used across modules:\n" + "\n".join(sorted(offences))


SERVICES = sorted(m for m in modules() if m.endswith(".services") and app_of(m) != PROJECT)


def test_every_app_with_writes_has_a_services_module():
    assert {"tthc.dossiers.services", "tthc.feedback.services", "tthc.catalog.services"} <= set(
        SERVICES
    )


@pytest.mark.parametrize("module", SERVICES)
def test_every_public_service_takes_keyword_only_arguments(module):
    """`services.py` (ARCHITECTURE.md): every write is called with keywords only — `*` first,
    no positional parameter, no `*args` (a `**fields` of a dispatcher is allowed)."""
    loaded = importlib.import_module(module)
    offences = []
    for name, function in inspect.getmembers(loaded, inspect.isfunction):
        if _private(name) or function.__module__ != module:
            continue
        for parameter in inspect.signature(function).parameters.values():
            if parameter.kind not in (parameter.KEYWORD_ONLY, parameter.VAR_KEYWORD):
                offences.append(f"{name}({parameter.name}: {parameter.kind.description})")
    assert not offences, f"{module}: not keyword-only: " + ", ".join(offences)


def _get_model_labels(module: str) -> list[tuple[int, str]]:
    """`apps.get_model("feedback", ...)`: a dependency on an app, written as a string."""
    found = []
    for node in ast.walk(tree_of(module)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get_model"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            label = node.args[0].value.partition(".")[0]
            if label in BELOW:
                found.append((node.lineno, label))
    return found


def test_apps_depend_downward_only():
    offences = []
    for imp in imports():
        source, target = app_of(imp.module), app_of(imp.target)
        if source in EVERYTHING or target in allowed(source):
            continue
        offences.append(f"{source} → {target}: {imp.module}:{imp.line} imports {imp.target}")
    for module in modules():
        source = app_of(module)
        if source in EVERYTHING:
            continue
        for line, label in _get_model_labels(module):
            if label not in allowed(source):
                offences.append(f"{source} → {label}: {module}:{line} apps.get_model({label!r})")
    assert not offences, "Imports against the layering:\n" + "\n".join(sorted(offences))


def test_the_layering_table_names_every_app():
    apps = {p.name for p in PACKAGE.iterdir() if (p / "apps.py").exists()}
    assert apps == set(BELOW) | (EVERYTHING - {PROJECT})

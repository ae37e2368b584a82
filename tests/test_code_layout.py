"""The layout the README's code map describes, kept by the suite: arrows point one way, loaders live in access.py,
and one place commits.

Read from the source with `ast`, so a new module that breaks a rule fails here with its file and line.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "practice"
#: what every domain builds on
BASE = {"accounts", "audit", "clients", "access", "config", "database", "errors", "extensions", "forms", "mail",
        "outages", "parse", "pdf", "rate_limits", "site", "unit_of_work"}
#: the domains, which may use each other and the base
DOMAINS = {"intake", "library", "plans", "notes", "handouts", "portal"}
#: pages that gather several domains, above all of them
PAGES = {"casefile", "dashboard"}
#: the modules that put the app together (the factory, commands, data tools): they may import anything
WIRING = {"__init__", "cli", "generate", "backup", "wsgi", "gunicorn_logging"}
#: the one place that commits a request, and the commands that run outside requests
COMMITTING = {"unit_of_work.py", "cli.py", "backup.py", "generate.py"}
LAYER = {**{name: 0 for name in BASE}, **{name: 1 for name in DOMAINS}, **{name: 2 for name in PAGES}}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, path.relative_to(PACKAGE), ast.parse(path.read_text(), filename=str(path))


def _imports(tree) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("practice."):
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("practice.")]
    return found


def _top(relative: Path) -> str:
    return relative.parts[0].removesuffix(".py")


def test_every_package_and_module_has_a_place_in_the_layers():
    tops = {_top(relative) for _, relative, _ in _modules()}
    assert tops - LAYER.keys() - WIRING == set(), "add new packages to BASE, DOMAINS or PAGES (and the README)"


def test_imports_never_point_back_up():
    """The base never imports a domain or a page; a domain never imports a page."""
    wrong = []
    for _, relative, tree in _modules():
        mine = LAYER.get(_top(relative))
        if mine is None:
            continue
        for line, module in _imports(tree):
            theirs = LAYER.get(module.split(".")[1])
            if theirs is not None and theirs > mine:
                wrong.append(f"practice/{relative}:{line} imports {module}")
    assert wrong == []


def test_no_view_module_imports_another_domains_views():
    wrong = []
    for _, relative, tree in _modules():
        if _top(relative) in WIRING:
            continue  # the factory registers every blueprint
        for line, module in _imports(tree):
            parts = module.split(".")
            if parts[-1].endswith("views") and parts[1] != _top(relative):
                wrong.append(f"practice/{relative}:{line} imports {module}")
    assert wrong == [], "loaders belong in the domain's access.py, shared helpers in the base"


def test_loaders_live_in_access_modules():
    """A function that loads a record and answers 404 is defined in an access.py, nowhere else."""
    wrong = [f"practice/{relative}:{node.lineno} {node.name}"
             for _, relative, tree in _modules() for node in ast.walk(tree)
             if isinstance(node, ast.FunctionDef) and node.name.endswith("_or_404") and relative.name != "access.py"]
    assert wrong == []


def test_only_the_edge_and_the_commands_commit():
    """`session.commit()` appears in the unit of work (the edge) and the commands, nowhere else."""
    wrong = [f"practice/{relative}:{node.lineno}"
             for _, relative, tree in _modules() if len(relative.parts) > 1 or relative.name not in COMMITTING
             for node in ast.walk(tree)
             if isinstance(node, ast.Attribute) and node.attr == "commit"
             and isinstance(node.value, ast.Attribute) and node.value.attr == "session"]
    assert wrong == []

"""The tests' own layout: shared helpers live in tests/support (or a folder's helper modules), never in a test module.

A test module that imports from another test module or from a conftest runs that module's code twice under
another name and ties the two together; the helper belongs in a module of its own.
"""
from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(TESTS.parent).with_suffix("").parts)


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in `path`, relative imports resolved, `from x import y` counted as x.y too."""
    package = _module_name(path).rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found += [(node.lineno, base)] + [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def _is_test_module_or_conftest(module: str) -> bool:
    parts = module.split(".")
    return parts[0] == "tests" and (parts[-1] == "conftest" or parts[-1].startswith("test_"))


def test_no_module_of_the_tests_imports_a_test_module_or_a_conftest():
    offending = sorted(f"{path.relative_to(TESTS.parent)}:{line} imports {module}"
                       for path in TESTS.rglob("*.py")
                       for line, module in _imported_modules(path)
                       if _is_test_module_or_conftest(module))
    assert offending == [], "move what they share into tests/support/:\n" + "\n".join(offending)

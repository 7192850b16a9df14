"""The shape issue 14 set, read from the source: arrows point down (api → audit → projections → ledger →
domain; demo → domain) for every import of the project's own packages; small modules, short functions."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("domain", "ledger", "projections", "audit", "api", "demo")
ALLOWED = {
    "domain": set(),
    "ledger": {"domain"},
    "projections": {"ledger", "domain"},
    "audit": {"projections", "domain"},  # not ledger: it reads files and the log through projections
    "demo": {"domain"},
    "api": {"audit", "projections", "ledger", "domain", "demo"},
}


@functools.cache
def _nodes(path: Path) -> tuple[str, list[ast.AST]]:
    """A module's source and every node of its tree, read once for both checks of a run."""
    source = path.read_text(encoding="utf-8")
    return source, list(ast.walk(ast.parse(source)))


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in _nodes(path)[1]:
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(PACKAGES)


def test_every_package_imports_only_the_layers_below_it() -> None:
    wrong = [f"{path.relative_to(ROOT)} imports {other}"
             for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
             for other in sorted(_imports(path) - ALLOWED[package] - {package})]
    assert wrong == []


def test_the_check_sees_imports() -> None:
    """The reader finds what it must refuse (a check that sees nothing would pass anything)."""
    assert _imports(ROOT / "audit" / "store.py") >= {"audit", "domain", "projections"}
    assert "ledger" in _imports(ROOT / "projections" / "sql.py")


def test_no_module_over_800_lines_nor_function_over_80() -> None:
    """Small modules, short functions (issue 14): where one grows past these, it is doing two jobs."""
    too_long: list[str] = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            source, nodes = _nodes(path)
            if source.count("\n") > 800:
                too_long.append(f"{path.relative_to(ROOT)}: {source.count(chr(10))} lines")
            for node in nodes:
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    length = (node.end_lineno or node.lineno) - node.lineno + 1
                    if length > 80:
                        too_long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {length} lines")
    assert too_long == []

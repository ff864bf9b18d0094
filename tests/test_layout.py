"""The layout the design card fixes: the declared layer order (core.LAYERS), no import cycles, imports
inside functions only to defer a heavy library (with the reason), core/db/probes free of Streamlit."""

import ast
import re
import sys
from pathlib import Path

import pytest

from core import LAYERS

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("core", "db", "probes", "pages", "web")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, Path]:
    found = {_module_name(p): p for folder in FOLDERS for p in (ROOT / folder).rglob("*.py")
             if "migrations" not in p.parts}
    found["app"] = ROOT / "app.py"
    return found


SOURCES = _sources()


def _target(module: str, name: str | None) -> str | None:
    """The project module an import names: `from a.b import c` is a.b.c when that is a module, else a.b."""
    if name and f"{module}.{name}" in SOURCES:
        return f"{module}.{name}"
    return module if module in SOURCES else None


def _imports(path: Path):
    """(line, imported project module, inside a function) for every import in the file."""
    tree = ast.parse(path.read_text())
    in_function = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            in_function |= {id(n) for n in ast.walk(node) if n is not node}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if (target := _target(alias.name, None)) is not None:
                    yield node.lineno, target, id(node) in in_function
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                if (target := _target(node.module, alias.name)) is not None:
                    yield node.lineno, target, id(node) in in_function


def _layer(module: str) -> int:
    best, at = -1, None
    for n, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, at = len(prefix), n
    assert at is not None, f"{module} is in no layer of core.LAYERS"
    return at


def test_every_module_belongs_to_a_declared_layer():
    for module in SOURCES:
        _layer(module)


def test_no_import_points_up_the_declared_layer_order():
    upward = []
    for module, path in SOURCES.items():
        for line, target, _lazy in _imports(path):
            if _layer(target) > _layer(module):
                upward.append(f"{path.relative_to(ROOT)}:{line}: {module} ({LAYERS[_layer(module)][0]}) imports "
                              f"{target} ({LAYERS[_layer(target)][0]})")
    assert upward == []


def test_there_is_no_import_cycle_between_modules():
    graph = {module: {t for _line, t, _lazy in _imports(path) if t != module} for module, path in SOURCES.items()}
    # A package's __init__ imports its own modules; a module importing its package's __init__ back is a cycle.
    index, low, stack, on_stack, cycles, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in graph:
        if module not in index:
            visit(module)
    assert cycles == []


def test_imports_inside_functions_only_defer_a_heavy_library_and_say_why():
    problems = []
    for module, path in SOURCES.items():
        if module.startswith("pages") or module == "app":
            continue  # page scripts run top to bottom; their imports are theirs to place
        lines = path.read_text().splitlines()
        tree = ast.parse(path.read_text())
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            imports = [n for n in ast.walk(fn) if isinstance(n, ast.Import | ast.ImportFrom)]
            for node in imports:
                name = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                if name and _target(name, None) is not None or (name or "").split(".")[0] in ("core", "db", "probes"):
                    problems.append(f"{path.relative_to(ROOT)}:{node.lineno}: project module {name} imported "
                                    "inside a function")
            # A run of imports at the top of a body carries its reason once, on its first line.
            firsts = [n for n in imports if not any(o.lineno == n.lineno - 1 for o in imports)]
            for node in firsts:
                if "#" not in lines[node.lineno - 1]:
                    problems.append(f"{path.relative_to(ROOT)}:{node.lineno}: an import inside a function needs "
                                    "its reason in a comment")
    assert problems == []


@pytest.mark.parametrize("folder", ["core", "db", "probes"])
def test_no_module_below_the_pages_imports_streamlit(folder):
    offenders = []
    for path in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(n == "streamlit" or n.startswith(("streamlit.", "streamlit_")) for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_core_and_db_never_import_pages_or_app():
    for path in [*(ROOT / "core").rglob("*.py"), *(ROOT / "db").rglob("*.py")]:
        text = path.read_text()
        assert not re.search(r"^\s*(from|import) (pages|app)\b", text, re.M), path


def test_requirements_are_pinned_and_streamlit_is_new_enough():
    lines = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    pins = [line for line in lines if line]
    assert pins and all("==" in line for line in pins)
    version = next(line.split("==")[1] for line in pins if line.startswith("streamlit=="))
    assert tuple(int(p) for p in version.split(".")[:2]) >= (1, 61)


def test_every_page_in_the_menu_exists_and_guards_itself():
    from core.navigation import PAGES

    for spec in PAGES:
        source = (ROOT / spec.script).read_text()
        assert f'guard("{spec.key}")' in source, spec.script


def test_nothing_but_init_sits_directly_in_pages_so_legacy_discovery_finds_no_page():
    # Streamlit's legacy mode globs pages/*.py until st.navigation runs; a file there could be
    # routed to by URL without app.py's login. See pages/__init__.py.
    assert [p.name for p in (ROOT / "pages").glob("*.py")] == ["__init__.py"]


def test_core_is_a_kernel_plus_one_package_per_domain():
    kernel = {name for layer, prefixes in LAYERS if layer in ("kernel", "entry") for name in prefixes}
    loose = {_module_name(p) for p in (ROOT / "core").glob("*.py")} - kernel
    packages = {p.name for p in (ROOT / "core").iterdir() if (p / "__init__.py").exists()}
    declared = {prefix.removeprefix("core.") for _layer, prefixes in LAYERS for prefix in prefixes
                if prefix.startswith("core.") and prefix.count(".") == 1}
    assert loose == set()
    assert packages <= declared

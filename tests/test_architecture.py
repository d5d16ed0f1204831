"""The package's shape: imports run one way (no module imports one that imports it back), and
the layout that docs/architecture.md describes is the tree that exists."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "bidgen"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(pkg: Path = PKG) -> dict[str, set[str]]:
    """Every bidgen module and the bidgen modules it imports, anywhere in its source (at the top,
    inside functions, and under ``TYPE_CHECKING``): each one is a dependency a reader must follow."""
    root = pkg.parent
    files = {module_name(p) if pkg == PKG else ".".join(p.relative_to(root).with_suffix("").parts).removesuffix(".__init__"): p
             for p in pkg.rglob("*.py")}
    modules = set(files)
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for mod, path in files.items():
        is_pkg = path.name == "__init__.py"
        package = mod if is_pkg else mod.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                # ``from pkg import module`` depends on that module (not on the package's
                # __init__, unless a name that is not a module is imported from it too)
                subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in modules]
                targets = subs if len(subs) == len(node.names) else [target] + subs
            for t in targets:
                # the deepest bidgen module the name refers to
                while t and t not in modules:
                    t = t.rpartition(".")[0]
                if t and t != mod:
                    graph[mod].add(t)
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each as a path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def describe(cycle: list[str], graph: dict[str, set[str]]) -> str:
    """One circle inside a component, written ``a -> b -> a``."""
    start = cycle[0]
    members = set(cycle)
    path = [start]
    seen = {start}
    cur = start
    while True:
        nxt = sorted(w for w in graph[cur] if w in members)
        back = [w for w in nxt if w == start]
        if back and len(path) > 1:
            return " -> ".join(path + [start])
        fresh = [w for w in nxt if w not in seen]
        if not fresh:
            return " <-> ".join(cycle)
        cur = fresh[0]
        seen.add(cur)
        path.append(cur)


def test_imports_run_one_way():
    graph = import_graph()
    cycles = find_cycles(graph)
    assert not cycles, "import circles:\n" + "\n".join(describe(c, graph) for c in cycles)


def test_the_cycle_test_finds_a_circle_put_back(tmp_path):
    pkg = tmp_path / "bidgen"
    (pkg / "docx").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "docx" / "__init__.py").write_text("")
    (pkg / "pipeline.py").write_text("from bidgen.docx import render\n")
    (pkg / "docx" / "render.py").write_text("def f():\n    from ..pipeline import make_all\n")
    graph = import_graph(pkg)
    cycles = find_cycles(graph)
    assert cycles == [["bidgen.docx.render", "bidgen.pipeline"]]
    assert describe(cycles[0], graph) == "bidgen.docx.render -> bidgen.pipeline -> bidgen.docx.render"


# Which top-level packages a package may import (ARCHITECTURE: cli → orchestration → documents /
# checks → library, docx, words → inputs, money, locales → errors).
ALLOWED = {
    "bidgen.errors": set(),
    "bidgen.limits": {"bidgen.errors"},
    "bidgen.sandbox": {"bidgen.errors", "bidgen.limits"},
    "bidgen.paths": {"bidgen.errors", "bidgen.limits"},
    "bidgen.locales": {"bidgen.errors", "bidgen.limits"},
    "bidgen.money": {"bidgen.errors", "bidgen.limits", "bidgen.locales"},
    "bidgen.inputs": {"bidgen.errors", "bidgen.limits", "bidgen.locales", "bidgen.money", "bidgen.paths"},
    "bidgen.words": {"bidgen.errors", "bidgen.limits", "bidgen.locales", "bidgen.money"},
    "bidgen.docx": {"bidgen.errors", "bidgen.limits", "bidgen.sandbox", "bidgen.paths"},
    "bidgen.library": {"bidgen.errors", "bidgen.limits", "bidgen.sandbox", "bidgen.locales", "bidgen.money", "bidgen.paths", "bidgen.inputs",
                       "bidgen.words"},
    "bidgen.checks": {"bidgen.errors", "bidgen.limits", "bidgen.sandbox", "bidgen.locales", "bidgen.money", "bidgen.paths", "bidgen.inputs",
                      "bidgen.words", "bidgen.docx", "bidgen.library"},
    "bidgen.documents": {"bidgen.errors", "bidgen.limits", "bidgen.sandbox", "bidgen.locales", "bidgen.money", "bidgen.paths", "bidgen.inputs",
                         "bidgen.words", "bidgen.docx", "bidgen.library"},
    "bidgen.batch": {"bidgen.errors", "bidgen.limits", "bidgen.sandbox", "bidgen.paths", "bidgen.inputs", "bidgen.documents",
                     "bidgen.checks", "bidgen.library", "bidgen.docx", "bidgen.locales", "bidgen.money", "bidgen.words",
                     "bidgen.pipeline"},
    "bidgen.pdf": {"bidgen.errors"},
    "bidgen.pipeline": {"bidgen.errors", "bidgen.limits", "bidgen.sandbox", "bidgen.paths", "bidgen.inputs", "bidgen.documents", "bidgen.checks",
                        "bidgen.library", "bidgen.docx", "bidgen.locales", "bidgen.money", "bidgen.words", "bidgen.pdf"},
}


def top(mod: str) -> str:
    parts = mod.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else mod


def test_packages_import_only_downward():
    graph = import_graph()
    wrong = []
    for mod, deps in sorted(graph.items()):
        group = top(mod)
        if group not in ALLOWED:
            continue  # cli, the package root and newer layers may import anything below them
        for dep in sorted(deps):
            other = top(dep)
            if other != group and other not in ALLOWED[group] and other != "bidgen":
                wrong.append(f"{mod} imports {dep}")
    assert not wrong, "imports against the layering of docs/architecture.md:\n" + "\n".join(wrong)


def test_no_flat_module_groups_at_the_top():
    flat = sorted(p.name for p in PKG.glob("*.py") if p.name.startswith(("cli_", "models_", "load_")))
    assert not flat, f"modules that belong in a package: {flat}"


def test_architecture_doc_names_every_package():
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    packages = sorted(p.parent.name for p in PKG.glob("*/__init__.py"))
    missing = [p for p in packages if f"`{p}/`" not in doc]
    assert not missing, f"docs/architecture.md does not describe {missing}"
    top_modules = sorted(p.name for p in PKG.glob("*.py") if p.name != "__init__.py")
    missing = [m for m in top_modules if f"`{m}`" not in doc]
    assert not missing, f"docs/architecture.md does not describe {missing}"


def test_a_command_module_that_fails_to_import_fails_loudly(tmp_path):
    """Registering commands never hides an error (it used to skip a module on ImportError)."""
    code = (
        "import sys, types\n"
        "bad = types.ModuleType('bidgen.cli.check')\n"
        "def boom(name):\n    raise ImportError('broken command module')\n"
        "bad.__getattr__ = boom\n"
        "import importlib\n"
        "real = importlib.import_module\n"
        "def fake(name, *a, **k):\n"
        "    if name == 'bidgen.cli.check':\n        raise ImportError('broken command module')\n"
        "    return real(name, *a, **k)\n"
        "importlib.import_module = fake\n"
        "import bidgen.cli\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode != 0
    assert "broken command module" in proc.stderr


@pytest.mark.parametrize("old,new,name", [
    ("bidgen.render", "bidgen.docx.render", "CompiledTemplate"),
    ("bidgen.readback", "bidgen.docx.readback", "read_docx"),
    ("bidgen.models", "bidgen.inputs.models", "Deal"),
    ("bidgen.load", "bidgen.inputs.load", "load_deal"),
    ("bidgen.build", "bidgen.pipeline", "make_all"),
])
def test_old_import_paths_keep_working_for_one_release(old, new, name):
    import importlib
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old_mod = importlib.import_module(old)
    assert getattr(old_mod, name) is getattr(importlib.import_module(new), name)
    assert any(issubclass(w.category, DeprecationWarning) and new in str(w.message) for w in caught) or \
        old in sys.modules  # already imported (and warned) earlier in this process

"""The layers point one way: the engine core below the node library, rendering and the demo above both.

Read from the source (every import statement, those inside functions
included), so a forbidden import fails here even where no test runs it:

- core: the modules directly in `autograd/` import no node library, no
  renderer, no demo and no graphviz (the package's `__init__` may load the
  renderer lazily, for `autograd.draw`);
- `nodes/` imports the core and itself, never the renderer or the demo;
- `autograd/render/` never imports the demo;
- `autograd/evolve/` (training without gradients) imports the core, numpy
  and the standard library only;
- no module imports another in a circle.

And, run for real in a fresh interpreter: `import autograd` loads neither
`nodes` nor graphviz.
"""

import ast
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGES = ("autograd", "nodes")


def _module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules():
    """{module name: path} of every module of the two packages."""
    return {_module_name(p): p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))}


def _imported(path, name, modules):
    """The modules `path` (module `name`) imports: project modules by name, others by their top-level name."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:  # `from pkg import module` imports the module, else the package
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return {m if m in modules else m.split(".")[0] for m in found}


def _graph():
    modules = _modules()
    return {name: _imported(path, name, modules) for name, path in modules.items()}


def _is_core(name):
    return name.startswith("autograd") and name.count(".") <= 1 and not name.startswith(
        ("autograd.render", "autograd.demo"))


def test_the_core_imports_neither_the_node_library_nor_graphviz_nor_what_stands_above_it():
    forbidden = ("nodes", "graphviz", "autograd.render", "autograd.demo")
    bad = {
        name: sorted(i for i in imports if i.startswith(forbidden))
        for name, imports in _graph().items()
        if _is_core(name) and name != "autograd"
    }
    assert not {k: v for k, v in bad.items() if v}, bad


def test_the_package_init_loads_the_renderer_only_inside_a_function():
    tree = ast.parse((ROOT / "autograd" / "__init__.py").read_text())
    top_level = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert not [n for n in top_level if (n.module or "").startswith(("render", "nodes", "graphviz"))]


def test_the_node_library_stands_on_the_core_only():
    bad = {
        name: sorted(i for i in imports if i.startswith(("autograd.render", "autograd.demo", "graphviz")))
        for name, imports in _graph().items()
        if name.startswith("nodes")
    }
    assert not {k: v for k, v in bad.items() if v}, bad


def test_the_renderer_does_not_import_the_demo():
    bad = [name for name, imports in _graph().items()
           if name.startswith("autograd.render") and any(i.startswith("autograd.demo") for i in imports)]
    assert not bad


def test_the_evolution_trainers_stand_on_the_core_and_numpy_only():
    allowed = set(sys.stdlib_module_names) | {"numpy"}
    evolve = {name: imports for name, imports in _graph().items() if name.startswith("autograd.evolve")}
    bad = {name: sorted(i for i in imports if not (_is_core(i) or i.startswith("autograd.evolve") or i in allowed))
           for name, imports in evolve.items()}
    assert len(evolve) > 5 and not {k: v for k, v in bad.items() if v}, bad


def test_no_module_imports_another_in_a_circle():
    graph = _graph()
    assert not _cycles(graph), _cycles(graph)


def test_the_cycle_finder_finds_a_circle():
    # Guards the test above against passing vacuously.
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert len(_graph()) > 50 and any("autograd" in imports for imports in _graph().values())


def _cycles(graph):
    """Circles of imports among the graph's modules, each as a path that returns to its start."""
    colour, found = {}, []

    def visit(name, path):
        colour[name] = "grey"
        for target in sorted(graph.get(name, ())):
            if target not in graph:
                continue
            if colour.get(target) == "grey":
                found.append(path[path.index(target):] + [target])
            elif target not in colour:
                visit(target, path + [target])
        colour[name] = "black"

    for name in sorted(graph):
        if name not in colour:
            visit(name, [name])
    return found


def test_importing_the_engine_alone_loads_neither_nodes_nor_graphviz():
    probe = ("import sys, autograd; print(sorted(m for m in sys.modules "
             "if m in ('nodes', 'graphviz') or m.startswith(('nodes.', 'graphviz.', 'autograd.render'))))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_operators_work_once_the_node_library_is_imported_and_say_so_before():
    probe = (
        "import autograd as ag\n"
        "x = ag.Input('x', shape=(None, 2))\n"
        "try:\n    x + 1\nexcept ag.GraphError as e:\n    print(e)\n"
        "import nodes\n"
        "print((x + 1).op, (x @ ag.Parameter([[1.0], [2.0]])).op, x[0].op)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    first, second = out.stdout.strip().splitlines()
    assert first == "'+' on nodes builds a node of the node library: import nodes first"
    assert second == "add matmul getitem"

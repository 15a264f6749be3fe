"""The apps' layers, from the code: every import between apps of hotich/ points down.

The graph is read from the source (every ``import``/``from … import`` of ``hotich.<app>``,
at module level or inside a function), not from a list kept by hand, so a new import up the
layers fails here. An app may import only apps of a lower layer; two apps of one layer may
not import each other; and the graph has no cycle. Files directly in ``hotich/`` (settings,
the root urls, the command line) sit above every app.
"""

import ast
from collections import defaultdict
from pathlib import Path

import hotich

ROOT = Path(hotich.__file__).parent

#: Bottom → top. An app imports only apps of an earlier entry; a tuple is one layer whose
#: apps do not import each other.
LAYERS: list[tuple[str, ...]] = [
    ("lib",),
    ("matching.engine",),
    ("places", "db"),
    ("audit",),
    ("accounts",),
    ("jobs",),
    ("registers",),
    ("registry",),
    ("matching",),
    ("reconciliation",),
    ("keying",),
    ("review",),
    ("exchange",),
    ("campaigns",),
    ("oversight",),
    ("demo",),
    ("core",),
]

LAYER_OF = {app: rank for rank, layer in enumerate(LAYERS) for app in layer}


def _app_of(parts: list[str]) -> str | None:
    """Return the app a dotted module path (without the leading ``hotich``) belongs to."""
    if not parts:
        return None
    if parts[0] == "matching" and len(parts) > 1 and parts[1] == "engine":
        return "matching.engine"
    return parts[0]


def _imported(tree: ast.AST, module: list[str], is_package: bool) -> set[tuple[str, ...]]:
    """Return every hotich module path TREE imports (relative imports resolved)."""
    found: set[tuple[str, ...]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name.split(".") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module if is_package else module[:-1]
                base = ["hotich", *package[: len(package) - node.level + 1]]
            else:
                base = []
            target = [*base, *(node.module.split(".") if node.module else [])]
            # ``from hotich.matching import engine`` imports the engine.
            names = [target + [alias.name] for alias in node.names] or [target]
        else:
            continue
        for name in names:
            if name[:1] == ["hotich"] and len(name) > 1:
                found.add(tuple(name[1:]))
    return found


def import_graph() -> dict[str, dict[str, set[str]]]:
    """Return {app: {imported app: files}} for every import between two apps of hotich/."""
    apps = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    graph: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        module = [*relative.parent.parts, relative.stem]
        is_package = relative.stem == "__init__"
        if is_package:
            module = module[:-1]
        source = _app_of(module) if len(relative.parts) > 1 else "(hotich)"
        for name in _imported(ast.parse(path.read_text(encoding="utf-8")), module, is_package):
            target = _app_of(list(name))
            if target is None or target == source or target.split(".")[0] not in apps:
                continue
            if source == "matching" and target == "matching.engine":
                continue  # an app uses its own pure core
            graph[source][target].add(str(relative))
    return graph


def _describe(edges: list[tuple[str, str, set[str]]]) -> str:
    return "\n".join(f"  {a} → {b}: {', '.join(sorted(files))}" for a, b, files in edges)


def test_every_app_has_a_layer():
    apps = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    assert apps - set(LAYER_OF) == set()


def test_imports_between_apps_point_down_the_layers():
    wrong = []
    for source, targets in sorted(import_graph().items()):
        if source == "(hotich)":
            continue  # settings, root urls, command line: above every app
        for target, files in sorted(targets.items()):
            if LAYER_OF[target] >= LAYER_OF[source]:
                wrong.append((source, target, files))
    print("Imports up the layers or across one layer:\n" + _describe(wrong))
    assert not wrong, "Imports up the layers or across one layer:\n" + _describe(wrong)


def test_the_import_graph_has_no_cycle():
    graph = {source: set(targets) for source, targets in import_graph().items()}
    cycles = []
    state: dict[str, int] = {}  # 1 on the path, 2 done

    def visit(app: str, path: list[str]) -> None:
        state[app] = 1
        for target in sorted(graph.get(app, ())):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[app] = 2

    for app in sorted(graph):
        if app not in state:
            visit(app, [app])
    print("Cycles:\n" + "\n".join("  " + " → ".join(c) for c in cycles))
    assert not cycles


def test_the_graph_is_read_from_the_code():
    graph = import_graph()
    # Known downward edges: the reader of the code finds them.
    assert "registers/models.py" in graph["registers"]["db"]
    assert "audit" in graph["jobs"]
    assert "lib" in graph["places"]

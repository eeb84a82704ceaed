"""The package's layers: every import points down (or sideways within a layer), and none goes round
in a circle.  Read from the source with ``ast``, so an import inside a function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "leaflet"

# Lowest first.  A module may import from its own layer and the layers before it.
LAYERS = (
    ("base", {"leaflet.errors", "leaflet.model", "leaflet.version"}),
    ("read", {"leaflet.read"}),
    ("assets", {"leaflet.assets"}),
    ("ward", {"leaflet.ward"}),
    ("write", {"leaflet.write"}),
    ("rules", {"leaflet.rules"}),
    ("runs", {"leaflet.runs"}),
    ("commands", {"leaflet.commands"}),
    ("front ends", {"leaflet.cli", "leaflet.web", "leaflet", "leaflet.__main__"}),
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int:
    for index, (_, prefixes) in enumerate(LAYERS):
        if module in prefixes or any(module.startswith(prefix + ".") for prefix in prefixes if prefix != "leaflet"):
            return index
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS")


def _imports(path: Path, module: str) -> set[str]:
    """The leaflet modules ``module`` imports: ``from leaflet.x import y`` names leaflet.x.y when
    that is a module, else leaflet.x."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "leaflet")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            if base.split(".")[0] != "leaflet":
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in MODULES else base)
    return found - {module}


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
GRAPH = {module: _imports(path, module) for module, path in MODULES.items()}


def test_every_module_has_a_layer():
    for module in MODULES:
        _layer(module)


def test_imports_point_down():
    upward = [
        f"{module} ({LAYERS[_layer(module)][0]}) imports {target} ({LAYERS[_layer(target)][0]})"
        for module, targets in GRAPH.items()
        for target in targets
        if _layer(target) > _layer(module)
    ]
    assert not upward, "\n".join(upward)


def test_only_front_ends_import_commands():
    commands = _layer("leaflet.commands")
    importers = {
        module
        for module, targets in GRAPH.items()
        for target in targets
        if _layer(target) == commands and _layer(module) < commands
    }
    assert not importers


def test_nothing_imports_the_web_app():
    """``leaflet serve`` hands uvicorn the app by name: the CLI and the library never import it."""
    importers = {
        module
        for module, targets in GRAPH.items()
        for target in targets
        if target.startswith("leaflet.web") and not module.startswith("leaflet.web")
    }
    assert not importers


def test_no_import_cycles():
    state: dict[str, str] = {}
    cycles = []

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for target in sorted(GRAPH.get(module, ())):
            if state.get(target) == "open":
                cycles.append(
                    " -> ".join([*trail[trail.index(target) :], module, target])
                    if target in trail
                    else f"{module} -> {target}"
                )
            elif target not in state:
                visit(target, [*trail, module])
        state[module] = "done"

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [])
    assert not cycles, "\n".join(cycles)

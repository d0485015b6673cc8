"""The direction of dependencies (decisions 0006, 0007 and 0008): an app imports only from apps to its left, so
that an app on the right (insights, preparedness, the portal) can be removed or replaced without touching those
it reads, and an app on the left reaches one on its right only through the outbox.

Checked on the source with `ast`, so every import counts: at module level, inside functions (where an import
hides a dependency from a reader of the module's head), relative ones, `from lantern import app`, and the dotted
names given to `importlib.import_module`. The project's own assembly (`lantern/urls.py`, `lantern/api.py`,
settings, the console entry and its `lantern.guard` commands) sits to the right of every app and is not checked.

To add an app, insert its name in `APP_ORDER` where its decision record puts it, and in INSTALLED_APPS in the
same place."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

SRC = Path(settings.PACKAGE_DIR)

# Left to right. An app may import the apps above it, never those below.
APP_ORDER: tuple[str, ...] = (
    "core",
    "cases",
    "crisis",  # 0006: crisis knows cases
    "providers",  # 0006: routing reads the measures in force
    "referrals",  # 0006: uses providers and crisis, checks the minimum package
    "shelters",  # 0007: admits from referrals
    "justice",  # 0006: reads measures (court suspensions) and cases
    "notify",  # 0008: told by the apps on its left through the outbox
    "publication",  # 0011: suppression and noise for the insights below; reads core and cases
    "insights",  # the apps below read those above through their selectors
    "linkage",
    "preparedness",
    "simulate",
    "portal",  # 0009
)


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(node: ast.ImportFrom, path: Path, root: Path) -> str:
    """The absolute name of `from <dots><module> import ...` written in the file at `path`."""
    if node.level == 0:
        return node.module or ""
    package = _module_name(path, root).split(".")
    if path.name != "__init__.py":
        package.pop()
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imported_modules(path: Path, root: Path = SRC) -> Iterator[tuple[int, str]]:
    """Every module the file at `path` imports, with the line: module level, inside functions, relative,
    `from lantern import app` (as `lantern.app`) and `import_module("lantern....")` with a literal name."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, path, root)
            yield node.lineno, module
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"
        elif isinstance(node, ast.Call) and _calls_import_module(node):
            argument = node.args[0] if node.args else None
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                yield node.lineno, argument.value
            elif isinstance(argument, ast.JoinedStr) and argument.values:
                head = argument.values[0]
                if isinstance(head, ast.Constant) and isinstance(head.value, str):
                    yield node.lineno, head.value


def _calls_import_module(node: ast.Call) -> bool:
    function = node.func
    name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
    return name == "import_module"


def _app_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "lantern" and len(parts) > 1 and parts[1] in APP_ORDER:
        return parts[1]
    return None


def wrong_way_imports(order: tuple[str, ...] = APP_ORDER, root: Path = SRC) -> list[str]:
    wrong = []
    for position, app in enumerate(order):
        right = set(order[position + 1 :])
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for line, module in imported_modules(path, root):
                target = _app_of(module)
                if target in right:
                    wrong.append(f"{path.relative_to(root)}:{line} imports {module} ({target} is right of {app})")
    return sorted(set(wrong))


def test_the_order_is_the_order_of_installed_apps() -> None:
    # lantern.guard is listed first for its commands to win (lantern/guard/__init__.py); it belongs to the assembly.
    lantern = [name for name in settings.INSTALLED_APPS if name.startswith("lantern.") and name != "lantern.guard"]
    installed = tuple(name.split(".")[1] for name in lantern)
    assert installed == APP_ORDER, "add the app to APP_ORDER in tests/core/test_dependencies.py, in its place"


def test_no_app_imports_from_an_app_to_its_right() -> None:
    assert wrong_way_imports() == []


def test_every_kind_of_import_is_seen(tmp_path: Path) -> None:
    """The checker itself: a wrong-way import is found at module level, inside a function, relative, as
    `from lantern import app` and through import_module."""
    package = tmp_path / "lantern"
    (package / "cases").mkdir(parents=True)
    (package / "cases" / "__init__.py").write_text("")
    (package / "cases" / "services.py").write_text(
        "from lantern.justice.models import Hearing\n"
        "def f():\n"
        "    from lantern.notify import services\n"
        "    from ..insights import selectors\n"
        "    from lantern import portal\n"
        "    import importlib\n"
        '    importlib.import_module("lantern.simulate.engine")\n'
        '    importlib.import_module(f"lantern.linkage.{name}")\n'
        "    from . import models\n"
        "    from lantern.core import audit\n"
    )
    found = wrong_way_imports(APP_ORDER, package)
    targets = sorted({entry.split(" imports ")[1].split(" ")[0] for entry in found})
    assert targets == [
        "lantern.insights",
        "lantern.insights.selectors",
        "lantern.justice.models",
        "lantern.justice.models.Hearing",
        "lantern.linkage.",
        "lantern.notify",
        "lantern.notify.services",
        "lantern.portal",
        "lantern.simulate.engine",
    ]

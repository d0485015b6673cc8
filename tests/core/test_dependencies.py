"""The direction of dependencies (decisions 0006 and 0007): an app imports only from apps to its left in
INSTALLED_APPS, so that an app on the right (insights, preparedness, the portal) can be removed or replaced
without touching those it reads. Checked on the source, imports inside functions included."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

SRC = Path(settings.PACKAGE_DIR)
ORDER = [name.split(".")[1] for name in settings.INSTALLED_APPS if name.startswith("lantern.")]


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def test_no_app_imports_from_an_app_to_its_right() -> None:
    wrong = []
    for position, app in enumerate(ORDER):
        right = set(ORDER[position + 1 :])
        for path in sorted((SRC / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for module in _imports(path):
                parts = module.split(".")
                if parts[0] == "lantern" and len(parts) > 1 and parts[1] in right:
                    wrong.append(f"{path.relative_to(SRC)} imports {module}")
    assert wrong == []

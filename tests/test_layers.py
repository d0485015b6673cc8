"""The layers of an app (docs/architecture.md, "Inside an app"): pages and API operations read through selectors
and write through services, never through a model's manager; an API's pydantic schemas live in its app's
schemas.py."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "lantern"
THIN = ("api.py", "views.py")


def _modules(*names: str) -> list[Path]:
    found = [path for name in names for path in SRC.rglob(name)]
    assert found, "the scan found nothing: the layout changed"
    return sorted(found)


def _managers_used(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        f"{path.relative_to(SRC.parent)}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager")
    ]


def _schemas_defined(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        f"{path.relative_to(SRC.parent)}:{node.lineno} {node.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and any(isinstance(base, ast.Name) and base.id in ("Schema", "BaseModel") for base in node.bases)
    ]


def test_pages_and_api_operations_read_through_selectors() -> None:
    """`Model.objects` in an api.py or views.py module is a read or a write that bypasses the selectors (and the
    scope they apply) or the services (and their audit event)."""
    assert [hit for path in _modules(*THIN) for hit in _managers_used(path)] == []


def test_api_schemas_live_in_schemas_modules() -> None:
    assert [hit for path in _modules("api.py") for hit in _schemas_defined(path)] == []


def test_every_app_with_api_operations_has_a_schemas_module() -> None:
    for api in _modules("api.py"):
        if api.parent == SRC or "@router." not in api.read_text():
            continue  # the root API that mounts the routers; a router without operations yet
        assert (api.parent / "schemas.py").exists(), api

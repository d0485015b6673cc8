"""The case timeline: one way to write it (cases.services.timeline_record), and a translated label for every kind
of entry any app writes, in every staff language."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

import lantern
from lantern.cases.codes import TIMELINE
from lantern.cases.models import Case
from lantern.cases.services import timeline_record
from tests.conftest import World

SOURCE = Path(lantern.__file__).parent
STAFF_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {node.name: node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _argument(call: ast.Call, function: ast.FunctionDef, parameter: str) -> ast.expr | None:
    """The expression a call passes for one parameter of `function`, by position or by keyword."""
    for keyword in call.keywords:
        if keyword.arg == parameter:
            return keyword.value
    names = [a.arg for a in function.args.posonlyargs + function.args.args]
    if parameter in names and names.index(parameter) < len(call.args):
        return call.args[names.index(parameter)]
    return None


def _kinds(expression: ast.expr, tree: ast.Module, enclosing: ast.FunctionDef | None) -> set[str]:
    """The kinds an expression can take: a literal, or an f-string "prefix_{event}" where `event` is a parameter
    of the enclosing helper, whose every call in the module passes a literal."""
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        return {expression.value}
    if isinstance(expression, ast.Name) and enclosing is not None:
        return _kinds_of_parameter(enclosing, expression.id, tree)
    if isinstance(expression, ast.JoinedStr) and enclosing is not None:
        prefix = "".join(str(v.value) for v in expression.values if isinstance(v, ast.Constant))
        names = [
            v.value.id for v in expression.values if isinstance(v, ast.FormattedValue) and isinstance(v.value, ast.Name)
        ]
        assert len(names) == 1, f"{enclosing.name}: a timeline kind built from {ast.unparse(expression)}"
        return {prefix + event for event in _kinds_of_parameter(enclosing, names[0], tree)}
    raise AssertionError(f"a timeline kind that is not a literal: {ast.unparse(expression)}")


def _kinds_of_parameter(helper: ast.FunctionDef, parameter: str, tree: ast.Module) -> set[str]:
    kinds: set[str] = set()
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and _call_name(call) == helper.name:
            value = _argument(call, helper, parameter)
            assert value is not None, f"{helper.name} called without {parameter}"
            kinds |= _kinds(value, tree, _enclosing(call, parents))
    assert kinds, f"{helper.name} is never called"
    return kinds


def _enclosing(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> ast.FunctionDef | None:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef):
            return node
    return None


def kinds_written() -> dict[str, str]:
    """Every kind of timeline entry written anywhere in Lantern -> the module that writes it."""
    found: dict[str, str] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            name = _call_name(call)
            if name in {"timeline_record", "timeline_record_many"}:
                kind = next((k.value for k in call.keywords if k.arg == "kind"), None)
                assert kind is not None, f"{path}: {name} without kind="
                enclosing = _enclosing(call, parents)
                if enclosing is not None and enclosing.name == name:
                    continue
                for value in _kinds(kind, tree, enclosing):
                    found[value] = str(path.relative_to(SOURCE))
            elif path.parent.name != "cases" and _writes_timeline(call):
                raise AssertionError(f"{path}: a timeline entry written without cases.services.timeline_record")
    return found


WRITES = {"create", "bulk_create", "get_or_create", "update_or_create", "update", "bulk_update", "delete"}


def _writes_timeline(call: ast.Call) -> bool:
    """TimelineEntry(...) or TimelineEntry.objects....create(...) and the like (reading it is allowed)."""
    if isinstance(call.func, ast.Name):
        return call.func.id == "TimelineEntry"
    if isinstance(call.func, ast.Attribute) and call.func.attr in WRITES:
        return any(isinstance(n, ast.Name) and n.id == "TimelineEntry" for n in ast.walk(call.func.value))
    return False


def test_the_scan_finds_the_kinds_of_every_app() -> None:
    kinds = kinds_written()
    assert {"register", "referral_accept", "shelter_admit", "shelter_wait", "hearing_postpone"} <= set(kinds)
    assert kinds["hearing_postpone"] in {"justice/services.py", "justice/consumers.py"}


def test_every_kind_written_anywhere_has_a_label() -> None:
    missing = sorted(set(kinds_written()) - set(TIMELINE))
    assert not missing, f"timeline kinds without a label in cases.codes.TIMELINE: {missing}"


@pytest.mark.parametrize("language", STAFF_LANGUAGES)
def test_every_label_is_translated(language: str) -> None:
    with translation.override("en"):
        english = {kind: str(label) for kind, label in TIMELINE.items()}
    with translation.override(language):
        untranslated = sorted(kind for kind, label in TIMELINE.items() if str(label) == english[kind])
    assert not untranslated, f"{language}: timeline labels not translated: {untranslated}"


@pytest.mark.django_db
def test_a_kind_without_a_label_is_refused(case: Case, world: World) -> None:
    with pytest.raises(ValueError, match="without a label"):
        timeline_record(case=case, kind="something_new", actor=world.caseworker)
    assert not case.timeline.filter(kind="something_new").exists()


@pytest.mark.django_db
def test_the_case_page_shows_the_label_not_the_code(case: Case, world: World, staff: dict[str, Client]) -> None:
    timeline_record(case=case, kind="shelter_admit", actor=None, detail={"shelter": world.shelter.pk})
    body = staff["caseworker"].get(f"/cases/{case.reference}/").content.decode()
    assert "Admitted to a shelter" in body
    assert "shelter_admit" not in body
    body = staff["caseworker"].get(f"/cases/{case.reference}/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Прийнято до притулку" in body

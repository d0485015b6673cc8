"""Reads of notifications, scoped to the user who asks: the delivery log of the cases she may see, her own inbox."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import get_language, to_locale

from lantern.cases.models import Case
from lantern.cases.permissions import CaseAction
from lantern.core.codes import language_name
from lantern.core.models import Alert, User
from lantern.core.permissions import can, organisation_scope
from lantern.core.selectors import alerts_for
from lantern.notify import messages
from lantern.notify.models import CaseworkerTask, Delivery
from lantern.notify.permissions import NotifyAction


def deliveries_visible_to(user: User) -> QuerySet[Delivery]:
    """Deliveries about the cases of the organisations where the user may read the log."""
    scope = organisation_scope(user, NotifyAction.LOG)
    return (
        Delivery.objects.filter(case__isnull=False)
        .filter(scope.q("case__organisation_id", "case__created_by_id"))
        .select_related("case", "user")
    )


def delivery_get_for_user(user: User, delivery_id: int) -> Delivery | None:
    return deliveries_visible_to(user).filter(pk=delivery_id).first()


def case_log(user: User, case: Case) -> QuerySet[Delivery]:
    """Every delivery about one case, newest first (refused unless the user may read this case's log)."""
    if not can(user, NotifyAction.LOG, case):
        return Delivery.objects.none()
    return Delivery.objects.filter(case=case).select_related("user").prefetch_related("tasks").order_by("-pk")


def open_tasks(user: User) -> QuerySet[CaseworkerTask]:
    return CaseworkerTask.objects.filter(recipient=user, done_at__isnull=True).select_related("case", "delivery")


def tasks_of(user: User, *, done: bool | None = None) -> QuerySet[CaseworkerTask]:
    tasks = CaseworkerTask.objects.filter(recipient=user).select_related("case", "case__person", "delivery")
    if done is not None:
        tasks = tasks.filter(done_at__isnull=not done)
    return tasks.order_by("done_at", "-created_at", "-pk")


@dataclass(frozen=True)
class CallRow:
    """A call to make, as the calls list shows it: the number only to those who may read the case's personal
    data (its caseworker, her supervisor), the language in the reader's words."""

    task: CaseworkerTask
    number: str
    language: str


def calls_to_make(user: User, tasks: list[CaseworkerTask]) -> list[CallRow]:
    """One call per person: each message that could not reach her adds a task (a hearing postponed, then moved
    again), but she is called once, about the newest (the tasks come newest first); "Done, I called" closes the
    others with it (services.task_done)."""
    reads_personal_data = organisation_scope(user, CaseAction.VIEW)  # once for the list, no query per row
    locale = to_locale(get_language() or "en")
    rows = []
    seen: set[int] = set()
    for task in tasks:
        if task.case_id in seen:
            continue
        seen.add(task.case_id)
        person = task.case.person
        shown = reads_personal_data.allows(task.case) and person.anonymised_at is None
        rows.append(
            CallRow(
                task=task,
                number=str(person.phone or "").strip() if shown else "",
                language=language_name(task.language, locale) if task.language else "",
            )
        )
    return rows


def task_get_for_user(user: User, task_id: int) -> CaseworkerTask | None:
    """A task of the user's own, or one of her organisation's cases when she supervises."""
    task = CaseworkerTask.objects.select_related("case", "delivery").filter(pk=task_id).first()
    if task is None:
        return None
    if task.recipient_id == user.pk or can(user, NotifyAction.SUPERVISE, task.case):
        return task
    return None


def messages_of(user: User) -> QuerySet[Alert]:
    """The user's in-app messages: core alerts, which notifications write (so do the core's security alerts)."""
    return alerts_for(user)


NAV_COUNT_CAP = 100


def open_tasks_count(user: User) -> int:
    """For the navigation badge on every page: counted up to 100, from the inbox index."""
    return int(CaseworkerTask.objects.filter(recipient=user, done_at__isnull=True)[:NAV_COUNT_CAP].count())


@dataclass(frozen=True)
class TemplateRow:
    language: str
    name: str
    direction: str
    minimal: bool
    detailed: dict[str, bool]

    @property
    def complete(self) -> bool:
        return self.minimal and all(self.detailed.values())


def templates_overview() -> list[TemplateRow]:
    """Which language has which message: what the fallback chain will find."""
    rows = []
    for code, data in messages.catalogue().items():
        rows.append(
            TemplateRow(
                language=code,
                name=str(data.get("language", code)),
                direction=messages.direction(code),
                minimal=messages.has(code, messages.HEARING_KINDS[0], "minimal"),
                detailed={kind: messages.has(code, kind, "detailed") for kind in messages.HEARING_KINDS},
            )
        )
    return rows

"""Identification by first responders: the indicator checklists filled in at first contact (evidence for whoever
decides, never a score), and the anonymous notification of an adult who declines to enter the NRM."""

from __future__ import annotations


def ready() -> None:
    """Called by the case registry's AppConfig.ready: the actions, and the label of the timeline entry."""
    from django.utils.translation import pgettext_lazy

    from lantern.cases import codes
    from lantern.cases.identification import permissions  # noqa: F401  (registers the actions)

    codes.TIMELINE.setdefault("indicators_record", pgettext_lazy("timeline", "Indicators of trafficking recorded"))

"""Forms of the portal: the visitor's call-back request, and the coordinator's crisis message texts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lantern.portal import languages
from lantern.portal.labels import MEASURES
from lantern.portal.models import Channel, CloseReason, IfSomeoneElse


class CallbackForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=200)
    organisation = forms.TypedChoiceField(label=_("Who should contact you"), coerce=int, widget=forms.RadioSelect)
    channel = forms.ChoiceField(label=_("How may we contact you?"), choices=Channel.choices, widget=forms.RadioSelect)
    contact = forms.CharField(
        label=_("Your number or address"),
        max_length=254,
        help_text=_("Only the hotline sees it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "dir": "auto"}),
    )
    safe_times = forms.CharField(
        label=_("When is it safe to contact you?"),
        max_length=300,
        help_text=_("For example: weekdays between 10 and 12."),
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off", "dir": "auto"}),
    )
    language = forms.ChoiceField(label=_("In which language?"))
    if_someone_else = forms.ChoiceField(
        label=_("If someone else answers, we will:"),
        choices=IfSomeoneElse.choices,
        initial=IfSomeoneElse.HANG_UP,
        widget=forms.RadioSelect,
    )
    # The person's consent that the hotline may leave a message: unticked unless she ticks it (a voicemail may land on
    # a phone someone else checks), and worded in the first person so it cannot read as permission for her.
    may_leave_message = forms.BooleanField(
        label=_("It is safe to leave me a message or voicemail."), required=False, initial=False
    )
    note = forms.CharField(
        label=_("Anything else we should know (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "dir": "auto"}),
    )

    def __init__(self, *args: Any, recipients: list[Any], language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recipients = {o.pk: o for o in recipients}
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.TypedChoiceField)
        organisation.choices = [(o.pk, o.name) for o in recipients]
        if len(recipients) == 1:
            organisation.initial = recipients[0].pk
        choice = self.fields["language"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [(item["code"], item["name"]) for item in languages.choices()]
        choice.initial = language
        self.fields["channel"].initial = Channel.PHONE


class MessageTextForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    body = forms.CharField(label=_("Text"), max_length=1000, widget=forms.Textarea(attrs={"rows": 5}))


def _shown_while_choices() -> list[tuple[str, Any]]:
    return [
        ("", _("Whenever a crisis is active")),
        ("movement", _("While movement is restricted (lockdown, curfew or movement restriction)")),
        *[
            (kind, _("While this measure is in force: %(measure)s") % {"measure": name})
            for kind, name in MEASURES.items()
        ],
    ]


class MessageCreateForm(MessageTextForm):
    key = forms.SlugField(
        label=_("Short name"), max_length=40, help_text=_("Letters, digits, - and _; it is never shown to visitors.")
    )
    shown_while = forms.ChoiceField(label=_("Shown"), choices=_shown_while_choices, required=False)
    field_order = ["key", "shown_while", "title", "body"]


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=pgettext_lazy("portal", "Why"), choices=CloseReason.choices)

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lantern.core.models import Organisation

MAX_SECRET_BYTES = 4096


class EncodeForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Organisation"))
    secret = forms.FileField(label=_("Shared secret file"), help_text=_("Read in memory only, never stored."))

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def clean_secret(self) -> bytes:
        upload = self.cleaned_data["secret"]
        if upload.size > MAX_SECRET_BYTES:
            raise forms.ValidationError(_("A secret file is a few dozen bytes; this one is too large."))
        return bytes(upload.read())


class UploadForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.order_by("name"), label=_("Organisation"))
    encodings = forms.FileField(label=_("Encodings file"))


class RunForm(forms.Form):
    threshold = forms.FloatField(
        label=_("Threshold (leave empty to choose it from the scores)"),
        required=False,
        min_value=0.01,
        max_value=0.99,
    )

"""Password rules beyond Django's own validators (settings.AUTH_PASSWORD_VALIDATORS lists them all).

Django's list refuses short, common, numeric and username-like passwords; it lets a twelve-character run of one
letter through (`aaaaaaaaaaaa`), and every pattern of two or three characters repeated. A password that uses
fewer than MIN_DISTINCT different characters is refused here: a passphrase passes easily, a keyboard run does not.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Few enough that any passphrase or generated password has them; enough that runs and short repeats do not.
MIN_DISTINCT = 6


class CharacterVarietyValidator:
    def __init__(self, min_distinct: int = MIN_DISTINCT) -> None:
        self.min_distinct = min_distinct

    def validate(self, password: str, user: Any = None) -> None:
        if len(set(password.casefold())) < self.min_distinct:
            raise ValidationError(
                _("This password repeats too few characters: use at least %(count)d different ones.")
                % {"count": self.min_distinct},
                code="password_too_repetitive",
            )

    def get_help_text(self) -> str:
        return _("Your password must use at least %(count)d different characters.") % {"count": self.min_distinct}

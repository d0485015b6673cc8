"""Pages of one's own account (password, second factor and recovery codes, sessions and API tokens) and the
administrator's reset of a member's account. Thin: lantern.core.accounts writes, selectors read."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language

from lantern.core import accounts, selectors, services
from lantern.core.forms import ApiTokenForm, PasswordChangeForm, SignOutEverywhereForm, WorkPhoneForm
from lantern.core.models import User
from lantern.core.views import confirm_page, confirmed, form_errors, page_user


def language_view(request: HttpRequest) -> HttpResponse:
    """The language picker at the top of every page: Django's own switch (a cookie for this browser) and, for a
    member of staff who is logged in, her preferred language, so that her later alerts and e-mails come in it."""
    response = set_language(request)
    user = request.user
    language = request.POST.get("language", "")
    chosen = request.method == "POST" and language in {code for code, _name in settings.LANGUAGES}
    if chosen and isinstance(user, User) and user.is_authenticated:
        accounts.preferred_language_set(user=user, language=language)
    return response


@never_cache
@login_required
def account_view(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    token_form = ApiTokenForm(initial={"expires_in_days": services.TOKEN_DAYS_DEFAULT})
    context: dict[str, object] = {}
    phone_form = WorkPhoneForm(initial={"work_phone": user.work_phone})
    if request.method == "POST":
        what = request.POST.get("do", "")
        if what == "work_phone":
            phone_form = WorkPhoneForm(request.POST)
            if phone_form.is_valid():
                try:
                    accounts.work_phone_set(user=user, work_phone=phone_form.cleaned_data["work_phone"])
                except ValidationError as exc:
                    form_errors(phone_form, exc)
                else:
                    messages.success(request, _("Your work phone is saved."))
                    return redirect("core:account")
        elif what == "recovery_codes":
            try:
                context["recovery_codes"] = accounts.recovery_codes_create(user=user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        elif what == "token_create":
            token_form = ApiTokenForm(request.POST)
            if token_form.is_valid():
                try:
                    token, raw = services.token_create(
                        actor=user,
                        user=user,
                        name=token_form.cleaned_data["name"],
                        expires_in_days=token_form.cleaned_data["expires_in_days"],
                    )
                except ValidationError as exc:
                    form_errors(token_form, exc)
                else:
                    context["new_token"] = (token, raw)
                    token_form = ApiTokenForm(initial={"expires_in_days": services.TOKEN_DAYS_DEFAULT})
        elif what == "token_revoke":
            raw_id = request.POST.get("token", "")
            if raw_id.isdigit() and not confirmed(request):
                token = selectors.token_get_for_user(user, int(raw_id))
                return confirm_page(
                    request,
                    title=_("Revoke the token %(name)s?") % {"name": token.name},
                    consequence=_(
                        "Every program using it is refused from now on. A revoked token cannot be restored: create a "
                        "new one and give it to the program."
                    ),
                    button=_("Yes, revoke the token"),
                    keep=("do", "token"),
                    back=reverse("core:account"),
                )
            if raw_id.isdigit():
                services.token_revoke(actor=user, token=selectors.token_get_for_user(user, int(raw_id)))
                messages.success(request, _("The token is revoked."))
            return redirect("core:account")
        elif what == "sign_out_everywhere":
            form = SignOutEverywhereForm(request.POST)
            form.is_valid()
            ended, revoked = accounts.sign_out_everywhere(
                user=user,
                current_session_key=request.session.session_key,
                revoke_tokens=bool(form.cleaned_data.get("revoke_tokens")),
            )
            messages.success(
                request,
                _("Signed out everywhere else: %(sessions)s, %(tokens)s.")
                % {
                    "sessions": ngettext("%(n)d session ended", "%(n)d sessions ended", ended) % {"n": ended},
                    "tokens": ngettext("%(n)d token revoked", "%(n)d tokens revoked", revoked) % {"n": revoked},
                },
            )
            return redirect("core:account")
    context.update(
        {
            "has_second_factor": accounts.has_second_factor(user),
            "recovery_codes_left": accounts.recovery_codes_left(user),
            "sessions": selectors.sessions_of(user, current_session_key=request.session.session_key),
            "tokens": selectors.tokens_of(user)[:100],
            "token_form": token_form,
            "phone_form": phone_form,
            "sign_out_form": SignOutEverywhereForm(),
        }
    )
    return render(request, "core/account.html", context)


@never_cache
@login_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.password_change(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
                current_session_key=request.session.session_key,
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password is changed. Your other sessions have ended."))
            return redirect("core:account")
    return render(
        request, "core/password_change.html", {"form": form, "after_reset": user.temporary_password_until is not None}
    )


@never_cache
@login_required
def member_reset_view(request: HttpRequest, organisation_id: int, member_id: int) -> HttpResponse:
    user = page_user(request)
    organisation = selectors.organisation_get_for_user(user, organisation_id)
    member = selectors.member_get_for_reset(user, organisation, member_id)
    temporary = None
    if request.method == "POST":
        temporary = accounts.member_reset(actor=user, member=member)
    return render(
        request,
        "core/member_reset.html",
        {
            "organisation": organisation,
            "member": member,
            "temporary": temporary,
            "hours": accounts.TEMPORARY_PASSWORD_HOURS,
        },
    )

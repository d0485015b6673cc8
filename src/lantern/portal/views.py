"""The portal's pages. The public ones: no login, no cookie, the language in the URL, nothing cached, the crisis
messages on every page while a crisis is active. The staff ones (crisis messages and their translation status for
the national coordinator, the call-back inbox for a hotline) are ordinary staff UI pages."""

from __future__ import annotations

import re
from typing import Any

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from lantern.core.net import client_address
from lantern.core.views import attempt, form_errors, page_user, post_only
from lantern.portal import labels, languages, selectors, services
from lantern.portal.forms import CallbackForm, CloseForm, MessageCreateForm, MessageTextForm
from lantern.portal.models import Channel, IfSomeoneElse, IntakeStatus
from lantern.portal.permissions import PortalAction

# A call-back request is a few hundred characters; anything much larger is not one.
MAX_REQUEST_BYTES = 8 * 1024

# --- The public pages ---------------------------------------------------------------------------------------


def _language_name(code: str) -> str:
    """A language named in itself (Babel knows far more languages than the portal is translated into)."""
    if code in languages.codes():
        return languages.name_of(code)
    try:
        name = Locale.parse(code).get_display_name(code)
    except (UnknownLocaleError, ValueError):
        return code
    return name[:1].upper() + name[1:] if name else code


def _spoken(codes: list[str]) -> list[dict[str, str]]:
    return [{"code": c, "name": _language_name(c), "dir": "rtl" if languages.is_rtl(c) else "ltr"} for c in codes]


def _tel(contact: str) -> str:
    """A tel: link for a contact that starts with a phone number ("1109 (free, 24 hours)")."""
    match = re.match(r"\s*(\+?[\d][\d\s-]{1,20}\d)", contact)
    return "tel:" + re.sub(r"[\s-]", "", match.group(1)) if match else ""


# An entry's own words, translated per language by its provider (the original where a translation is missing).
OWN_WORDS = {"organisation": "name", "hours": "hours", "contact": "public_contact", "note": "eligibility_note"}


def _own_words(shown: dict[str, Any], lang: str) -> dict[str, Any]:
    """The entry's name, hours, contact and note in the visitor's language where its provider translated them;
    otherwise the original, with the language it is written in (the page marks it with lang=, and says so)."""
    original = shown.get("text_language") or languages.SOURCE
    translated = {} if lang == original else dict((shown.get("translations") or {}).get(lang) or {})
    words: dict[str, Any] = {"original_language": original, "untranslated": False}
    for key, field in OWN_WORDS.items():
        value = translated.get(field) or shown.get(field, "")
        fell_back = bool(value) and lang != original and not translated.get(field)
        words[key] = value
        words[f"{key}_lang"] = original if fell_back else ""
        words["untranslated"] = words["untranslated"] or fell_back
    words["original_dir"] = "rtl" if languages.is_rtl(original) else "ltr"
    words["original_name"] = _language_name(original)
    return words


def _offer(row: Any, lang: str) -> dict[str, Any]:
    offering = row.offering
    shown = row.shown  # the version the coordinator approved
    modes_now = [labels.MODES.get(m, m) for m in row.modes_now]
    # A status that already says how ("Open by phone or online only") is not followed by the same words again.
    says_how = row.status == "remote_only" and row.modes_now == ["remote"]
    return {
        **_own_words(shown, lang),
        "service": labels.service_name(offering.service_type),
        "service_type": offering.service_type,
        "does": labels.service_description(offering.service_type),
        "status": labels.STATUSES.get(row.status, row.status),
        "open_now": row.open_now,
        "modes_now": [] if says_how else modes_now,
        "regions": [r for r in offering.regions if r != "*"],
        "nationwide": "*" in offering.regions,
        "languages": _spoken(offering.languages),
        "interpreter": offering.interpreter_available,
        "regardless_of_status": offering.regardless_of_status,
        "tel": _tel(shown.get("public_contact", "")),
    }


def _urgent(lang: str) -> dict[str, Any]:
    """What the top of every page offers on a phone: the emergency number, and the first hotline open now."""
    hotline = next((row for row in selectors.hotlines() if row.open_now), None)
    return {"urgent_hotline": _offer(hotline, lang) if hotline is not None else None}


def _layout(request: HttpRequest, lang: str) -> dict[str, Any]:
    """What portal/base.html needs besides the crisis banner; none of it is read from the database."""
    prefix = reverse("portal:home", args=[lang])
    rest = request.path[len(prefix) :] if request.path.startswith(prefix) else ""
    query = "?" + request.GET.urlencode() if request.method in ("GET", "HEAD") and request.GET else ""
    return {
        "lang": lang,
        "dir": "rtl" if languages.is_rtl(lang) else "ltr",
        "languages": [
            {**item, "url": reverse("portal:home", args=[item["code"]]) + rest + query, "current": item["code"] == lang}
            for item in languages.choices()
        ],
        "exit_url": settings.LANTERN_PORTAL_EXIT_URL,
        "emergency_number": settings.LANTERN_PORTAL_EMERGENCY_NUMBER,
    }


def _visitor_page(
    request: HttpRequest, lang: str, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    banner = selectors.crisis_banner(lang)
    context = {
        **context,
        **_layout(request, lang),
        "banner": banner,
        "banner_measures": [
            {"name": labels.MEASURES.get(m.kind, m.kind), "regions": m.regions or m.crisis.regions}
            for m in (banner.measures if banner else [])
        ],
        "source_name": languages.name_of(languages.SOURCE),
        # The crisis messages in full on the home page; elsewhere their titles, so the page's own content
        # (the call-back form) stays near the top of a small screen.
        "banner_full": template == "portal/home.html",
    }
    context.update(_urgent(lang))
    response = render(request, template, context, status=status)
    # Nothing of the visit is kept by the browser's cache; the language is in the URL, never in a cookie.
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = lang
    return response


def _activate(lang: str) -> None:
    if lang not in languages.codes():
        raise Http404
    translation.activate(lang)


def not_found_view(request: HttpRequest, rest: str = "") -> HttpResponse:
    """The portal's "not found", in the language of the address if it names one (else the browser's)."""
    first = rest.split("/", 1)[0]
    lang = (
        first
        if first in languages.codes()
        else languages.from_accept_language(request.headers.get("Accept-Language", ""))
    )
    translation.activate(lang)
    return _visitor_page(request, lang, "portal/not_found.html", {}, status=404)


def unavailable_page(request: HttpRequest) -> str | None:
    """The portal's own "not available for a moment" (core.errors gives it status 503 and Retry-After when the
    database is away): in the visitor's language, in the portal's layout with its quick exit and emergency number,
    never naming the system or its staff. Drawn without the request, so that no context processor (the staff
    shell's, a signed-in user's session) reads the database; no crisis banner, which lives there. None for the
    portal's staff pages, which keep the staff page."""
    rest = request.path_info.removeprefix(reverse("portal:pick"))
    if rest.startswith("staff/"):
        return None
    first = rest.split("/", 1)[0]
    lang = (
        first
        if first in languages.codes()
        else languages.from_accept_language(request.headers.get("Accept-Language", ""))
    )
    with translation.override(lang):
        return render_to_string("portal/unavailable.html", _layout(request, lang))


@require_safe
def language_pick(request: HttpRequest) -> HttpResponse:
    """/help/ sends the visitor to the portal in the first of their browser's languages that it has."""
    lang = languages.from_accept_language(request.headers.get("Accept-Language", ""))
    response = HttpResponseRedirect(reverse("portal:home", args=[lang]))
    response["Vary"] = "Accept-Language"
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def home_view(request: HttpRequest, lang: str) -> HttpResponse:
    _activate(lang)
    return _visitor_page(
        request, lang, "portal/home.html", {"hotlines": [_offer(row, lang) for row in selectors.hotlines()]}
    )


@require_safe
def services_view(request: HttpRequest, lang: str) -> HttpResponse:
    _activate(lang)
    regions = selectors.regions()
    region = request.GET.get("region", "")
    region = region if region in regions else ""
    service = request.GET.get("service", "")
    service = service if service in labels.SERVICES else ""
    spoken = request.GET.get("language", "")
    offers = selectors.find_help(region=region, service_type=service)
    codes = sorted({c for row in offers for c in row.offering.languages} | set(languages.codes()))
    spoken = spoken if spoken in codes else ""
    if spoken:  # the same list, narrowed (the language only drops rows; the order stays)
        offers = [row for row in offers if spoken in row.offering.languages or row.offering.interpreter_available]
    alternatives = [] if offers else _alternatives(region=region, service=service, spoken=spoken)
    return _visitor_page(
        request,
        lang,
        "portal/services.html",
        {
            "offers": [_offer(row, lang) for row in offers],
            "regions": regions,
            "region": region,
            "services": sorted(((code, str(name)) for code, (name, _d) in labels.SERVICES.items()), key=lambda s: s[1]),
            "service": service,
            "spoken_languages": _spoken(codes),
            "spoken": spoken,
            "filtered": bool(region or service or spoken),
            "alternatives": [_offer(row, lang) for row in alternatives],
            "hotlines": [] if offers else [_offer(row, lang) for row in selectors.hotlines()],
            "service_name": labels.service_name(service) if service else "",
        },
    )


# When a search finds nothing, at most this many other offers are suggested (a phone screen or two).
ALTERNATIVES_SHOWN = 4


def _alternatives(*, region: str, service: str, spoken: str) -> list[Any]:
    """The nearest help to a search that found nothing: the same kind of help anywhere in the country (open
    first), then related kinds of help in the region asked for, then anything open in the region."""
    hotlines = {row.offering.pk for row in selectors.hotlines()}
    found: list[Any] = []
    candidates: list[Any] = []
    if service:
        candidates += selectors.find_help(service_type=service)
        for related in labels.RELATED.get(service, ()):
            candidates += selectors.find_help(region=region, service_type=related)
    if region:
        candidates += selectors.find_help(region=region)
    for row in sorted(candidates, key=lambda r: not r.open_now):
        if row.offering.pk in hotlines or any(row.offering.pk == f.offering.pk for f in found):
            continue  # the hotlines are offered beside the alternatives anyway
        if spoken and spoken not in row.offering.languages and not row.offering.interpreter_available:
            continue
        found.append(row)
        if len(found) == ALTERNATIVES_SHOWN:
            break
    return found


@require_safe
def safety_view(request: HttpRequest, lang: str) -> HttpResponse:
    _activate(lang)
    return _visitor_page(request, lang, "portal/safety.html", {})


def _same_origin(request: HttpRequest) -> bool:
    """The form was sent from a page of this site (the Origin header; the Referer when a browser leaves it out)."""
    allowed = {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}
    origin = request.headers.get("Origin")
    if origin:
        return origin in allowed
    referer = request.headers.get("Referer", "")
    return any(referer.startswith(f"{a}/") for a in allowed)


def _refused(request: HttpRequest, lang: str, status: int, message: str) -> HttpResponse:
    context = {"message": message, "hotlines": [_offer(row, lang) for row in selectors.hotlines()]}
    return _visitor_page(request, lang, "portal/refused.html", context, status=status)


@csrf_exempt  # no cookie for visitors, so no CSRF cookie: a signed one-time form token and the Origin instead
@require_http_methods(["GET", "HEAD", "POST"])
def callback_view(request: HttpRequest, lang: str) -> HttpResponse:
    _activate(lang)
    recipients = selectors.callback_recipients()
    if request.method in ("GET", "HEAD"):
        form = CallbackForm(initial={"token": services.form_token_new()}, recipients=recipients, language=lang)
        return _visitor_page(request, lang, "portal/callback.html", {"form": form, "recipients": recipients})

    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REQUEST_BYTES or len(request.body) > MAX_REQUEST_BYTES:
        return _refused(request, lang, 413, _("This request is too large to be a call-back request. Nothing was sent."))
    if not _same_origin(request):
        return _refused(request, lang, 403, _("This request did not come from this site's own form. Nothing was sent."))
    # The form is shown again, if need be, with what was typed and a fresh token; the one sent is checked once.
    sent_token = request.POST.get("token", "")
    data = request.POST.copy()
    data["token"] = services.form_token_new()
    form = CallbackForm(data, recipients=recipients, language=lang)
    status = 422
    if form.is_valid():
        cleaned = form.cleaned_data
        recipient = form.recipients.get(cleaned["organisation"])
        organisation = selectors.callback_organisation(recipient.pk) if recipient is not None else None
        if organisation is None:
            form.add_error("organisation", _("Choose one of the hotlines listed."))
        else:
            try:
                intake = services.callback_request(
                    request=services.CallbackRequest(
                        organisation=organisation,
                        language=cleaned["language"],
                        channel=cleaned["channel"],
                        contact=cleaned["contact"],
                        safe_times=cleaned["safe_times"],
                        if_someone_else=cleaned["if_someone_else"],
                        may_leave_message=cleaned["may_leave_message"],
                        note=cleaned["note"],
                    ),
                    token=sent_token,
                    address=client_address(request),
                )
            except services.Refused as refusal:
                if refusal.status != 400:
                    return _refused(request, lang, refusal.status, refusal.message)
                status = 400
                form.add_error(None, refusal.message)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                return _visitor_page(
                    request,
                    lang,
                    "portal/callback_sent.html",
                    {
                        "organisation": intake.organisation.name,
                        "channel": Channel(intake.channel).label,
                        "language_name": languages.name_of(intake.language),
                        "language_code": intake.language,
                        "if_someone_else": IfSomeoneElse(intake.if_someone_else).label,
                        "may_leave_message": intake.may_leave_message,
                    },
                )
    return _visitor_page(request, lang, "portal/callback.html", {"form": form, "recipients": recipients}, status=status)


# --- Staff: crisis messages and their translation status (national coordinator) -------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def messages_view(request: HttpRequest) -> HttpResponse:
    user = page_user(request, PortalAction.MESSAGES)
    form = MessageCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.message_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            attempt(request, lambda: None, _("Message created. Now write it in the other languages."))
            return redirect("portal:message_edit", message_id=message.pk, language=languages.SOURCE)
    rows = selectors.translation_status()
    return render(
        request,
        "portal/staff_messages.html",
        {
            "rows": rows,
            "gaps": [(languages.name_of(code), lagging) for code, lagging in selectors.gaps_by_language(rows)],
            "languages": languages.choices(),
            "form": form,
            "source": languages.SOURCE,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def message_edit_view(request: HttpRequest, message_id: str, language: str) -> HttpResponse:
    user = page_user(request, PortalAction.MESSAGES)
    message = selectors.message_get(int(message_id))
    if message is None or language not in languages.codes():
        raise Http404
    texts = selectors.message_texts(message)
    current = texts.get(language)
    initial = {"title": current.title, "body": current.body} if current else {}
    form = MessageTextForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_text_save(actor=user, message=message, language=language, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            attempt(request, lambda: None, pgettext("portal", "Saved."))
            return redirect("portal:messages")
    return render(
        request,
        "portal/staff_message_edit.html",
        {
            "message": message,
            "language": language,
            "language_name": languages.name_of(language),
            "dir": "rtl" if languages.is_rtl(language) else "ltr",
            "source": texts.get(languages.SOURCE) if language != languages.SOURCE else None,
            "current": current,
            "outdated": current is not None and current.source_revision < message.revision,
            "form": form,
        },
    )


# --- Staff: the call-back inbox of a hotline -------------------------------------------------------------------


@login_required
@require_GET
def intakes_view(request: HttpRequest) -> HttpResponse:
    user = page_user(request, PortalAction.INTAKES)
    show = request.GET.get("show", "new")
    intakes = selectors.intakes_visible_to(user)
    if show != "all":
        show = "new"
        intakes = intakes.filter(status=IntakeStatus.NEW)
    return render(
        request,
        "portal/staff_intakes.html",
        {"intakes": intakes[:200], "show": show, "language_names": dict(settings.PORTAL_LANGUAGES)},
    )


@login_required
@require_GET
def intake_view(request: HttpRequest, intake_id: int) -> HttpResponse:
    user = page_user(request, PortalAction.INTAKES)
    intake = selectors.intake_get_for_user(user, intake_id)
    if intake.erased_at is None:
        services.intake_read(actor=user, intake=intake)
    return render(
        request,
        "portal/staff_intake.html",
        {
            "intake": intake,
            "language_name": languages.name_of(intake.language),
            "close_form": CloseForm(),
        },
    )


@login_required
@post_only
def intake_action_view(request: HttpRequest, intake_id: int, action: str) -> HttpResponse:
    user = page_user(request, PortalAction.INTAKES)
    intake = selectors.intake_get_for_user(user, intake_id)
    if action == "case":
        opened: list[str] = []

        def open_case() -> None:
            opened.append(services.intake_open_case(actor=user, intake=intake).reference)

        if attempt(request, open_case, _("Case opened.")):
            return redirect("cases:detail", reference=opened[0])
    elif action == "close":
        attempt(
            request,
            lambda: services.intake_close(actor=user, intake=intake, reason=request.POST.get("reason", "")),
            _("Closed."),
        )
    else:
        raise Http404
    return redirect("portal:intake", intake_id=intake.pk)

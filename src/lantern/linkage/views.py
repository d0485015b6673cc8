"""Linkage pages: a supervisor produces her organisation's encodings; the coordinator uploads the organisations'
encodings, links them and reads the estimate (also shown on the insights dashboard through a panel)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lantern.core.permissions import can, organisation_scope
from lantern.core.selectors import organisations_in_scope
from lantern.core.views import form_errors, page_user
from lantern.linkage import selectors, services
from lantern.linkage.forms import EncodeForm, RunForm, UploadForm
from lantern.linkage.permissions import LinkageAction


def dashboard_panel(request: HttpRequest) -> str:
    """The estimated number of distinct victims, for the coordinator; nothing for anyone else."""
    user = request.user
    if not can(user, LinkageAction.VIEW):
        return ""
    return render_to_string("linkage/_panel.html", {"run": selectors.latest_run(user)}, request=request)  # type: ignore[arg-type]


@login_required
@require_http_methods(["GET", "POST"])
def encode_view(request: HttpRequest) -> HttpResponse:
    user = page_user(request, LinkageAction.ENCODE)
    organisations = organisations_in_scope(organisation_scope(user, LinkageAction.ENCODE))
    form = EncodeForm(request.POST or None, request.FILES or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            produced = services.encodings_produce(
                actor=user, organisation=form.cleaned_data["organisation"], secret=form.cleaned_data["secret"]
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            response = HttpResponse(produced.text, content_type="text/plain; charset=utf-8")
            name = f"linkage-{form.cleaned_data['organisation'].pk}.txt"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "linkage/encode.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def index_view(request: HttpRequest) -> HttpResponse:
    user = page_user(request, LinkageAction.VIEW)
    may_manage = can(user, LinkageAction.MANAGE)
    upload = UploadForm(prefix="up")
    run = RunForm(prefix="run")
    status = 200
    if request.method == "POST":
        page_user(request, LinkageAction.MANAGE)
        if "up-organisation" in request.POST:
            upload = UploadForm(request.POST, request.FILES, prefix="up")
            if upload.is_valid():
                try:
                    text = upload.cleaned_data["encodings"].read(services.MAX_UPLOAD_BYTES + 1).decode("utf-8")
                    services.encodings_upload(actor=user, organisation=upload.cleaned_data["organisation"], text=text)
                    return redirect("linkage:index")
                except UnicodeDecodeError:
                    upload.add_error("encodings", _("This is not an encodings file."))
                except ValidationError as exc:
                    form_errors(upload, exc)
        else:
            run = RunForm(request.POST, prefix="run")
            if run.is_valid():
                try:
                    services.linkage_run(actor=user, threshold=run.cleaned_data.get("threshold"))
                    return redirect("linkage:index")
                except ValidationError as exc:
                    run.add_error(None, exc.messages)
        status = 400
    context = {
        "sets": selectors.encoding_sets_visible_to(user).order_by("-uploaded_at", "-pk")[:200],
        "run": selectors.latest_run(user),
        "upload": upload,
        "run_form": run,
        "may_manage": may_manage,
    }
    return render(request, "linkage/index.html", context, status=status)

"""Onboarding pages for programme admins: upload a workbook, check it, commit it.

The upload is checked (a dry run) and kept in the session until the admin commits it or
uploads another; committing reads the same bytes again and re-checks them before writing, so
what is written is exactly what was shown. Rules live in ``organisations.onboarding`` and the
write in ``organisations.services.programme_import``.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import asdict
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from culture_of_care.access import require_programme_admin
from culture_of_care.accounts.services import site_url_of
from organisations import onboarding, services

SESSION_KEY = "programme_import"
RESULT_KEY = "programme_import_result"
# Rows listed per sheet on the dry-run page; counts always cover every row.
ROWS_SHOWN = 500
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files (the three CSV files together)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".xlsx,.zip,.csv"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data] or [single(None, initial)]
        return [single(data, initial)]


class ImportUploadForm(forms.Form):
    """The workbook upload; valid only when the file can be read as a workbook."""

    files = MultipleFileField(
        label="Upload the onboarding workbook",
        help_text=(
            "An Excel workbook (.xlsx) with the sheets organisations, wards and people, a ZIP "
            "file of the three CSV files, or the three CSV files selected together. Up to 5 MB."
        ),
        error_messages={
            "required": "Select the workbook to upload.",
            "empty": "The selected file is empty.",
            "invalid": "The selected file could not be read. Try uploading it again.",
        },
    )

    def clean_files(self) -> list[onboarding.SourceFile]:
        uploads = self.cleaned_data["files"]
        if sum(upload.size for upload in uploads) > onboarding.MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The selected files must be smaller than 5 MB in total.")
        sources = [onboarding.SourceFile(upload.name, upload.read()) for upload in uploads]
        try:
            onboarding.read_upload(sources)
        except onboarding.ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return sources


def _stored_files(request: HttpRequest) -> tuple[list[onboarding.SourceFile], str] | None:
    stored = request.session.get(SESSION_KEY)
    if not stored:
        return None
    files = [
        onboarding.SourceFile(f["name"], base64.b64decode(f["content"])) for f in stored["files"]
    ]
    return files, stored["digest"]


def _digest(files: list[onboarding.SourceFile]) -> str:
    hasher = hashlib.sha256()
    for source in files:
        hasher.update(source.name.encode())
        hasher.update(hashlib.sha256(source.content).digest())
    return hasher.hexdigest()


def _review_context(plan: onboarding.ImportPlan, files: list[onboarding.SourceFile], digest: str):
    return {
        "plan": plan,
        "counts": plan.counts(),
        "has_errors": not plan.is_valid,
        "file_names": ", ".join(f.name for f in files),
        "digest": digest,
        "rows_shown": ROWS_SHOWN,
        "organisations": plan.organisations[:ROWS_SHOWN],
        "wards": plan.wards[:ROWS_SHOWN],
        "people_rows": plan.people_rows[:ROWS_SHOWN],
        "ward_coach_roles": [r for r in plan.roles if r.sheet == onboarding.WARDS][:ROWS_SHOWN],
        "hidden": {
            "organisations": max(0, len(plan.organisations) - ROWS_SHOWN),
            "wards": max(0, len(plan.wards) - ROWS_SHOWN),
            "people": max(0, len(plan.people_rows) - ROWS_SHOWN),
        },
    }


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """Step 1: choose the workbook. A readable upload is kept and checked on the next page."""
    require_programme_admin(request.user, "Only programme admins can import organisations.")
    # Bound on any POST: an empty one must still say "Select the workbook".
    form = (
        ImportUploadForm(request.POST, request.FILES)
        if request.method == "POST"
        else ImportUploadForm()
    )
    if form.is_bound and form.is_valid():
        files = form.cleaned_data["files"]
        request.session[SESSION_KEY] = {
            "files": [
                {"name": f.name, "content": base64.b64encode(f.content).decode("ascii")}
                for f in files
            ],
            "digest": _digest(files),
        }
        request.session.pop(RESULT_KEY, None)
        return redirect("organisations:import_review")
    return render(request, "organisations/import_upload.html", {"form": form})


@login_required
@require_GET
def import_review(request: HttpRequest) -> HttpResponse:
    """Step 2: the dry run. Shows what would change and every problem, writes nothing."""
    require_programme_admin(request.user, "Only programme admins can import organisations.")
    stored = _stored_files(request)
    if stored is None:
        messages.info(request, "Upload the onboarding workbook to check it.")
        return redirect("organisations:import")
    files, digest = stored
    try:
        plan = onboarding.plan_upload(files)
    except onboarding.ImportFileError as exc:
        request.session.pop(SESSION_KEY, None)
        messages.error(request, str(exc))
        return redirect("organisations:import")
    return render(request, "organisations/import_review.html", _review_context(plan, files, digest))


@login_required
@require_POST
def import_commit(request: HttpRequest) -> HttpResponse:
    """Step 3: check the same file again and, if it is still valid, import it all at once."""
    require_programme_admin(request.user, "Only programme admins can import organisations.")
    stored = _stored_files(request)
    if stored is None or stored[1] != request.POST.get("digest"):
        messages.error(
            request,
            "That import has already been committed or has been replaced by another upload. "
            "Upload the workbook again.",
        )
        return redirect("organisations:import")
    files, digest = stored
    try:
        plan = onboarding.plan_upload(files)
    except onboarding.ImportFileError as exc:
        request.session.pop(SESSION_KEY, None)
        messages.error(request, str(exc))
        return redirect("organisations:import")
    if not plan.is_valid:
        # Something in the database changed since the dry run: show the problems again.
        return render(
            request, "organisations/import_review.html", _review_context(plan, files, digest)
        )
    result = services.programme_import(plan=plan, actor=request.user, site_url=site_url_of(request))
    request.session.pop(SESSION_KEY, None)
    request.session[RESULT_KEY] = {
        "counts": asdict(result.counts),
        "file_names": ", ".join(f.name for f in files),
    }
    return redirect("organisations:import_done")


@login_required
@require_GET
def import_done(request: HttpRequest) -> HttpResponse:
    """Step 4: what the import created and updated."""
    require_programme_admin(request.user, "Only programme admins can import organisations.")
    result = request.session.get(RESULT_KEY)
    if not result:
        return redirect("organisations:import")
    raw = result["counts"]
    counts = onboarding.ImportCounts(
        organisations=onboarding.Tally(**raw["organisations"]),
        wards=onboarding.Tally(**raw["wards"]),
        people=onboarding.Tally(**raw["people"]),
        role_assignments=onboarding.Tally(**raw["role_assignments"]),
        invitations=raw["invitations"],
    )
    return render(
        request,
        "organisations/import_done.html",
        {
            "counts": counts,
            "file_names": result["file_names"],
            "invitation_days": settings.INVITATION_VALID_DAYS,
        },
    )


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    """The XLSX template: the three sheets with an example row each, and a notes sheet."""
    require_programme_admin(request.user, "Only programme admins can import organisations.")
    response = HttpResponse(onboarding.template_workbook(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        'attachment; filename="culture-of-care-onboarding-template.xlsx"'
    )
    return response

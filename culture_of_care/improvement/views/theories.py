"""National change theories: the list, the driver diagram, and the admins' editing of drafts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from culture_of_care.access import is_programme_admin, require_some_role
from culture_of_care.improvement import selectors, services
from culture_of_care.improvement.forms import DriverNodeForm
from culture_of_care.improvement.models import ChangeTheory, DriverNode, TheoryLevel, TheoryStatus
from culture_of_care.improvement.views.common import require_theory_admin


@login_required
def theory_list(request: HttpRequest) -> HttpResponse:
    require_some_role(request.user)
    theories = list(ChangeTheory.objects.order_by("level", "-version"))
    levels = [
        {"level": label, "code": code, "theories": [t for t in theories if t.level == code]}
        for code, label in TheoryLevel.choices
    ]
    return render(
        request,
        "improvement/theory_list.html",
        {"levels": levels, "is_admin": is_programme_admin(request.user)},
    )


@login_required
def theory_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_some_role(request.user)
    theory = get_object_or_404(ChangeTheory, pk=pk)
    is_admin = is_programme_admin(request.user)
    if theory.status == TheoryStatus.DRAFT and not is_admin:
        raise Http404("Not found")
    tree, orphans = selectors.theory_tree(theory)
    return render(
        request,
        "improvement/theory_detail.html",
        {
            "theory": theory,
            "tree": tree,
            "orphans": orphans,
            "is_admin": is_admin,
            "editable": is_admin and theory.status == TheoryStatus.DRAFT,
            "project_count": theory.projects.count(),
        },
    )


@login_required
@require_POST
def theory_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    require_theory_admin(request.user)
    theory = get_object_or_404(ChangeTheory, pk=pk)
    try:
        draft = services.change_theory_new_version(theory=theory, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("improvement:theory", pk=theory.pk)
    messages.success(request, f"Version {draft.version} is open as a draft. Edit it, then publish.")
    return redirect("improvement:theory", pk=draft.pk)


@login_required
@require_POST
def theory_publish(request: HttpRequest, pk: int) -> HttpResponse:
    require_theory_admin(request.user)
    theory = get_object_or_404(ChangeTheory, pk=pk)
    try:
        services.change_theory_publish(theory=theory, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("improvement:theory", pk=theory.pk)
    messages.success(
        request,
        f"Version {theory.version} is published. Projects on earlier versions keep them until "
        "they choose this one.",
    )
    return redirect("improvement:theory", pk=theory.pk)


def _draft(request: HttpRequest, pk: int) -> ChangeTheory:
    require_theory_admin(request.user)
    theory = get_object_or_404(ChangeTheory, pk=pk)
    if theory.status != TheoryStatus.DRAFT:
        messages.error(request, "Published versions cannot change. Open a new version to edit.")
    return theory


@login_required
def node_edit(request: HttpRequest, pk: int, node_pk: int | None = None) -> HttpResponse:
    theory = _draft(request, pk)
    if theory.status != TheoryStatus.DRAFT:
        return redirect("improvement:theory", pk=theory.pk)
    node = get_object_or_404(DriverNode, pk=node_pk, theory=theory) if node_pk else None
    initial = None
    if node is None and request.GET.get("under"):
        parent = theory.nodes.filter(pk=request.GET["under"]).first()
        if parent is not None:
            child_kind = {"aim": "primary", "primary": "secondary", "secondary": "change_idea"}
            initial = {"parents": [parent], "kind": child_kind.get(parent.kind, "")}
    form = DriverNodeForm(
        request.POST or None, theory=theory, node=node, **({"initial": initial} if initial else {})
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.driver_node_save(
                theory=theory,
                node=node,
                actor=request.user,
                kind=data["kind"],
                text=data["text"],
                description=data["description"],
                code=data["code"],
                commitments=list(data["commitments"]),
                parents=list(data["parents"]),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The change theory has been updated.")
            return redirect("improvement:theory", pk=theory.pk)
    return render(
        request, "improvement/node_form.html", {"theory": theory, "node": node, "form": form}
    )


@login_required
def node_delete(request: HttpRequest, pk: int, node_pk: int) -> HttpResponse:
    theory = _draft(request, pk)
    if theory.status != TheoryStatus.DRAFT:
        return redirect("improvement:theory", pk=theory.pk)
    node = get_object_or_404(DriverNode, pk=node_pk, theory=theory)
    if request.method == "POST":
        services.driver_node_delete(node=node, actor=request.user)
        messages.success(request, f"Removed: {node.text}")
        return redirect("improvement:theory", pk=theory.pk)
    return render(request, "improvement/node_delete.html", {"theory": theory, "node": node})

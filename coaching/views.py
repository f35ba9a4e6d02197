"""Coaching pages: caseload, coverage, sessions (logging, drafts), actions, calendar."""

from __future__ import annotations

import re
import secrets
import string
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.forms.utils import ErrorDict, ErrorList
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from coaching import ics, selectors, services
from coaching.forms import (
    ActionFormSet,
    ActionStatusForm,
    RhythmForm,
    SessionFilterForm,
    SessionForm,
    action_owner_choices,
    allowed_kinds,
)
from coaching.models import (
    Action,
    ActionStatus,
    CoachingRhythm,
    CoachingSession,
    CoachPair,
    Executive,
    SessionKind,
    SessionStatus,
)
from culture_of_care.access import (
    can_edit,
    ensure_editable,
    get_visible_or_404,
    is_programme_admin,
    read_reach,
    require_any_role,
    require_programme_admin,
)
from culture_of_care.accounts.models import User
from culture_of_care.accounts.roles import Role
from culture_of_care.downloads import csv_download
from culture_of_care.identifiers import parse_count, parse_id
from organisations.models import Organisation
from wards.models import Ward

COACH_ROLES = selectors.COACH_ROLES


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Coaches land on their caseload, programme leads on coverage, everyone else on sessions."""
    user = request.user
    if selectors.may_see_coverage(user):
        return redirect("coaching:coverage")
    if selectors.is_coach(user):
        return redirect("coaching:caseload")
    if read_reach(user).is_empty:
        raise PermissionDenied("Your role does not give access to coaching.")
    return redirect("coaching:session_list")


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    require_any_role(request.user, COACH_ROLES)
    return render(
        request,
        "coaching/caseload.html",
        {
            "caseload": selectors.caseload_for(request.user),
            "drafts": selectors.drafts_for(request.user),
            "can_log": bool(allowed_kinds(request.user)),
        },
    )


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    require_any_role(request.user, (Role.PROGRAMME_ADMIN, Role.PROGRAMME_LEAD))
    coverage = selectors.coverage_for(request.user)
    return render(
        request,
        "coaching/coverage.html",
        {
            "coverage": coverage,
            "small_number": coverage.rules.people_floor,
            "can_edit_rhythm": is_programme_admin(request.user),
        },
    )


# --- Sessions ------------------------------------------------------------------------------


def _filtered_sessions(request: HttpRequest) -> tuple[Any, SessionFilterForm]:
    form = SessionFilterForm(request.GET or None)
    sessions = selectors.sessions_for_list(request.user)
    if form.is_valid():
        if form.cleaned_data["kind"]:
            sessions = sessions.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["q"]:
            sessions = sessions.matching(request.user, form.cleaned_data["q"])
    ward_id = parse_id(request.GET.get("ward"))
    if ward_id:
        sessions = sessions.filter(ward_id=ward_id)
    ods = request.GET.get("organisation")
    if ods:
        sessions = sessions.filter(organisation__ods_code=ods.upper())
    return sessions, form


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    if read_reach(request.user).is_empty:
        raise PermissionDenied("Your role does not give access to coaching.")
    sessions, form = _filtered_sessions(request)
    page = Paginator(sessions, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "coaching/session_list.html",
        {
            "page": page,
            "filter_form": form,
            "drafts": selectors.drafts_for(request.user),
            "can_log": bool(allowed_kinds(request.user)),
            "query_string": _without_page(request),
        },
    )


@login_required
def session_export(request: HttpRequest) -> HttpResponse:
    """The sessions on the list as CSV: content only where the reader may see it; never
    confidential notes."""
    if read_reach(request.user).is_empty:
        raise PermissionDenied("Your role does not give access to coaching.")
    sessions, _ = _filtered_sessions(request)
    sessions = sessions.prefetch_related("coaches", "topics", "commitments")

    headers = [
        "Date",
        "Kind",
        "Organisation",
        "ODS code",
        "Ward",
        "Minutes",
        "Mode",
        "Attendees",
        "Attendees bringing lived experience",
        "Coaches",
        "Topics",
        "Commitments",
        "Shared summary",
        "Next session",
    ]

    def rows() -> Any:
        for s in sessions.iterator(chunk_size=500):
            visible = s.content_visible
            yield (
                s.date,
                s.get_kind_display(),
                s.organisation.name,
                s.organisation.ods_code,
                s.ward.name if s.ward_id else "",
                s.duration_minutes,
                s.get_mode_display() if visible else "",
                s.attendee_count if visible else "",
                s.lived_experience_attendee_count if visible else "",
                "; ".join(c.full_name for c in s.coaches.all()) if visible else "",
                "; ".join(t.text for t in s.topics.all()) if visible else "",
                "; ".join(c.short_label for c in s.commitments.all()) if visible else "",
                s.shared_summary if s.summary_visible else "",
                s.next_session_on if visible else "",
            )

    return csv_download(headers, rows(), "coaching-sessions.csv")


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_visible_or_404(
        CoachingSession.objects.readable_by(request.user).select_related(
            "organisation", "ward", "created_by"
        ),
        request.user,
        pk=pk,
    )
    if session.is_draft:
        return redirect("coaching:session_edit", pk=session.pk)
    actions = list(selectors.actions_for_list(request.user).filter(session=session))
    for action in actions:
        action.can_change = action.owner_id == request.user.pk or can_edit(action, request.user)
    return render(
        request,
        "coaching/session_detail.html",
        {
            "session": session,
            "actions": actions,
            "today": timezone.localdate(),
            "can_edit": session.content_visible and can_edit(session, request.user),
        },
    )


def _quiet(form: Any) -> None:
    """Show a restored draft's values without complaining about what is not filled in yet."""
    form._errors = ErrorDict()
    form.cleaned_data = {}


def _quiet_formset(formset: Any) -> None:
    formset._errors = []
    formset._non_form_errors = ErrorList()
    for form in formset.forms:
        _quiet(form)


def _place(form: SessionForm) -> tuple[Any, Any]:
    """The ward and organisation chosen on a (possibly invalid) form, within the form's choices."""
    ward = organisation = None
    ward_id = form._chosen("ward")
    if ward_id and "ward" in form.fields:
        ward = form.fields["ward"].queryset.filter(pk=ward_id).first()
    org_id = form._chosen("organisation")
    if org_id and "organisation" in form.fields:
        organisation = form.fields["organisation"].queryset.filter(pk=org_id).first()
    return ward, organisation


def _kind(form: SessionForm) -> str:
    kinds = [k for k, _ in form.fields["kind"].choices]
    chosen = form.data.get("kind") if form.is_bound else form.initial.get("kind")
    return chosen if chosen in kinds else kinds[0]


def _save_draft(request: HttpRequest, form: SessionForm, draft: Any) -> tuple[Any, str]:
    """Keep the form as a draft if we know where the session was; returns (draft, message)."""
    kind = _kind(form)
    ward, organisation = _place(form)
    if kind in SessionKind.values and kind != SessionKind.WARD_QI:
        ward = None
    if ward is not None:
        organisation = ward.organisation
    if organisation is None:
        return draft, (
            "Not saved yet: choose the ward or organisation first. What you have typed is kept "
            "in this browser."
        )
    data, dropped = services.clean_draft_data(request.POST)
    draft = services.session_save_draft(
        actor=request.user,
        session=draft,
        organisation=organisation,
        ward=ward,
        kind=kind,
        data=data,
    )
    if draft is None:
        return None, ALREADY_LOGGED
    saved = f"Draft saved at {timezone.localtime():%H:%M}. You can leave this page and continue "
    saved += "later."
    if dropped:
        saved += " Something that looks like an NHS number was not saved: remove it."
    return draft, saved


# --- One form, one draft ---------------------------------------------------------------------
# Each session form carries a random ``form_key``, kept in its draft. Autosave and "log the
# session" find the form's draft by it even when the page has not yet heard the draft's id
# (an autosave still on its way when the coach presses the button), so a form never leaves a
# second, stray draft behind; a key whose session was logged starts no new draft.

# Letters only: a key is kept in the draft, and digits could look like an NHS number to the
# guard that keeps those out of drafts.
FORM_KEY = re.compile(r"^[a-z]{32}$")
# pg_advisory_xact_lock(namespace, user id): one person's session-form requests, one at a time.
SESSION_FORM_LOCK_NAMESPACE = 15_013
ALREADY_LOGGED = "This draft has already been logged or deleted."


def _form_key(request: HttpRequest) -> str:
    """The form's key from the request, or a new one for a new form."""
    key = request.POST.get("form_key", "") if request.method == "POST" else ""
    if FORM_KEY.match(key):
        return key
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(32))


def _posted_form_key(request: HttpRequest) -> str | None:
    key = request.POST.get("form_key", "")
    return key if FORM_KEY.match(key) else None


def _logged_marker(user: Any, key: str) -> str:
    return f"coaching:form-logged:{user.pk}:{key}"


def _hold_session_form_lock(user: Any) -> None:
    """Until the transaction ends, this person's other session-form requests wait."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [SESSION_FORM_LOCK_NAMESPACE, user.pk]
        )


def _draft_of_form(request: HttpRequest, key: str | None) -> Any:
    if key is None:
        return None
    return (
        CoachingSession.objects.visible_to(request.user)
        .filter(created_by=request.user, status=SessionStatus.DRAFT, draft_data__form_key=[key])
        .first()
    )


def _own_draft(request: HttpRequest, pk: Any) -> Any:
    pk = parse_id(pk)
    if pk is None:
        return None
    return (
        CoachingSession.objects.visible_to(request.user)
        .filter(pk=pk, created_by=request.user, status=SessionStatus.DRAFT)
        .first()
    )


def _session_page(request: HttpRequest, session: CoachingSession | None) -> HttpResponse:
    user = request.user
    if not allowed_kinds(user):
        raise PermissionDenied("Your role does not log coaching sessions.")
    is_draft = session is None or session.is_draft
    if request.method == "POST":
        button = request.POST.get("save", "log")
        if button == "add_action":
            data = request.POST.copy()
            total = parse_count(data.get("actions-TOTAL_FORMS"), maximum=20)
            data["actions-TOTAL_FORMS"] = str(min(total + 1, 20))
            form = SessionForm(data, user=user, instance=session, logging=False)
            ward, organisation = _place(form)
            formset = ActionFormSet(
                data, people=action_owner_choices(user, ward, organisation or None)
            )
            if is_draft:
                session, note = _save_draft(request, form, session)
            _quiet(form)
            _quiet_formset(formset)
            return _render_session_form(request, form, formset, session)
        if button == "draft" and is_draft:
            form = SessionForm(request.POST, user=user, instance=session, logging=False)
            session, note = _save_draft(request, form, session)
            messages.info(request, note)
            if session is not None:
                return redirect("coaching:session_edit", pk=session.pk)
            ward, organisation = _place(form)
            formset = ActionFormSet(request.POST, people=action_owner_choices(user, ward, None))
            _quiet(form)
            _quiet_formset(formset)
            return _render_session_form(request, form, formset, session)
        form = SessionForm(request.POST, user=user, instance=session)
        ward, organisation = _place(form)
        formset = ActionFormSet(
            request.POST,
            people=action_owner_choices(user, ward, organisation),
        )
        if form.is_valid() and formset.is_valid():
            logged = services.session_log(
                actor=user,
                session=session,
                organisation=form.cleaned_data["organisation"],
                ward=form.cleaned_data["ward"],
                values=form.values(),
                relations=form.relations(),
                actions=formset.new_actions(),
            )
            key = _posted_form_key(request)
            if key is not None:
                cache.set(_logged_marker(user, key), logged.pk, settings.COACHING_FORM_KEY_SECONDS)
            messages.success(request, "Session logged.")
            return redirect("coaching:session_detail", pk=logged.pk)
        return _render_session_form(request, form, formset, session)

    if session is not None and session.is_draft and session.draft_data:
        data = MultiValueDict(session.draft_data)
        form = SessionForm(data, user=user, instance=session, logging=False)
        ward, organisation = _place(form)
        formset = ActionFormSet(data, people=action_owner_choices(user, ward, organisation))
        _quiet(form)
        _quiet_formset(formset)
    else:
        initial: dict[str, Any] = {}
        for name in ("ward", "organisation", "kind"):
            if request.GET.get(name):
                initial[name] = request.GET[name]
        if session is None:
            initial.setdefault("attendee_count", 0)
            initial.setdefault("lived_experience_attendee_count", 0)
        form = SessionForm(user=user, instance=session, initial=initial)
        ward, organisation = _place(form)
        if session is not None:
            ward, organisation = session.ward, session.organisation
        formset = ActionFormSet(people=action_owner_choices(user, ward, organisation))
    return _render_session_form(request, form, formset, session)


def _render_session_form(
    request: HttpRequest, form: SessionForm, formset: ActionFormSet, session: Any
) -> HttpResponse:
    drafts = selectors.drafts_for(request.user)
    if session is not None:
        drafts = drafts.exclude(pk=session.pk)
    return render(
        request,
        "coaching/session_form.html",
        {
            "form": form,
            "formset": formset,
            "session": session,
            "is_draft": session is None or session.is_draft,
            "other_drafts": drafts,
            "form_key": _form_key(request),
            "has_errors": bool(form.errors) or bool(formset.total_error_count()),
            "confidential_kinds": " ".join(
                sorted([SessionKind.EXECUTIVE, SessionKind.REVERSE_MENTORING])
            ),
        },
    )


@login_required
def session_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _session_page(request, None)
    with transaction.atomic():
        # One at a time with this person's autosaves: each sees what the other did.
        _hold_session_form_lock(request.user)
        # A draft that autosave already created: carry on with it rather than make another.
        draft = _own_draft(request, request.POST.get("draft"))
        if draft is None:
            draft = _draft_of_form(request, _posted_form_key(request))
        return _session_page(request, draft)


@login_required
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_visible_or_404(
        CoachingSession.objects.readable_by(request.user), request.user, pk=pk
    )
    if not session.content_visible:
        raise PermissionDenied("You cannot change this session.")
    if session.is_draft:
        if session.created_by_id != request.user.pk:
            raise Http404("Not found")
    else:
        ensure_editable(session, request.user)
    return _session_page(request, session)


@login_required
@require_POST
def session_autosave(request: HttpRequest) -> HttpResponse:
    """Keep the half-filled form as a draft as the coach types (htmx; answers a fragment)."""
    if not allowed_kinds(request.user):
        raise PermissionDenied("Your role does not log coaching sessions.")
    late = render(request, "coaching/_autosave_status.html", {"note": ALREADY_LOGGED})
    with transaction.atomic():
        _hold_session_form_lock(request.user)
        draft = _own_draft(request, request.POST.get("draft"))
        if draft is None and request.POST.get("draft"):
            # The draft was logged or deleted meanwhile (a late autosave): never start another.
            return late
        key = _posted_form_key(request)
        if draft is None and key is not None:
            if cache.get(_logged_marker(request.user, key)):
                return late  # this form's session was logged before its autosave arrived
            draft = _draft_of_form(request, key)
        form = SessionForm(request.POST, user=request.user, instance=draft, logging=False)
        draft, note = _save_draft(request, form, draft)
    return render(request, "coaching/_autosave_status.html", {"note": note, "draft": draft})


@login_required
@require_POST
def session_discard(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _own_draft(request, pk)
    if draft is None:
        raise Http404("Not found")
    services.session_discard_draft(actor=request.user, session=draft)
    messages.info(request, "Draft deleted.")
    return redirect("coaching:index")


# --- Actions -------------------------------------------------------------------------------


@login_required
def action_list(request: HttpRequest) -> HttpResponse:
    """Actions for a ward, an organisation, a coach (yours by default), overdue first."""
    user = request.user
    if read_reach(user).is_empty:
        raise PermissionDenied("Your role does not give access to coaching.")
    actions = selectors.actions_for_list(user)
    heading, scope = "Coaching actions", {}
    if request.GET.get("ward"):
        ward = get_visible_or_404(Ward, user, pk=request.GET["ward"])
        actions = actions.filter(ward=ward)
        heading, scope = f"Actions for {ward.name}", {"ward": ward.pk}
    elif request.GET.get("organisation"):
        organisation = get_visible_or_404(
            Organisation, user, ods_code=request.GET["organisation"].upper()
        )
        actions = actions.filter(organisation=organisation)
        heading = f"Actions for {organisation.name}"
        scope = {"organisation": organisation.ods_code}
    elif request.GET.get("coach") or selectors.is_coach(user):
        coach = user
        coach_id = request.GET.get("coach")
        if coach_id and str(coach_id) != str(user.pk):
            if not selectors.may_see_coverage(user):
                raise PermissionDenied("You can only see your own actions.")
            coach = User.objects.filter(pk=parse_id(coach_id) or 0).first()
            if coach is None:
                raise Http404("Not found")
        actions = selectors.actions_of_coach(user, coach)
        heading = "Your actions" if coach == user else f"Actions for {coach.full_name}"
        scope = {"coach": coach.pk}
    show_all = request.GET.get("status") == "all"
    if not show_all:
        actions = actions.filter(status=ActionStatus.OPEN)
    page = Paginator(actions, 50).get_page(request.GET.get("page"))
    for action in page:
        action.can_change = action.owner_id == user.pk or can_edit(action, user)
    query = QueryDict(mutable=True)
    query.update(scope)
    return render(
        request,
        "coaching/action_list.html",
        {
            "page": page,
            "heading": heading,
            "show_all": show_all,
            "scope_query": query.urlencode(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark an action done (or dropped, or open again) from a list: POST, htmx-enhanced."""
    action = get_visible_or_404(
        Action.objects.readable_by(request.user).select_related(
            "session", "owner", "organisation", "ward"
        ),
        request.user,
        pk=pk,
    )
    if action.owner_id != request.user.pk:
        ensure_editable(action, request.user)
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose done, dropped or open.")
    else:
        services.action_set_status(
            actor=request.user, action=action, status=form.cleaned_data["status"]
        )
    if request.headers.get("HX-Request"):
        action.can_change = True
        action.is_overdue = action.overdue
        return render(
            request,
            "coaching/_action_row.html",
            {"action": action, "today": timezone.localdate(), "just_changed": True},
        )
    if form.is_valid():
        messages.success(request, f"Action marked {action.get_status_display().lower()}.")
    # ``next`` is a path on this site or nothing: never a view name to reverse, never elsewhere.
    target = request.POST.get("next", "")
    if not (
        target.startswith("/")
        and "\x00" not in target
        and url_has_allowed_host_and_scheme(target, {request.get_host()})
    ):
        target = reverse("coaching:action_list")
    return HttpResponseRedirect(target)


# --- Calendar ------------------------------------------------------------------------------


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    require_any_role(request.user, COACH_ROLES)
    if request.method == "POST":
        services.calendar_token_reset(actor=request.user)
        messages.success(
            request,
            "Your calendar link has been reset. The old link no longer works: subscribe again "
            "with the new one.",
        )
        return redirect("coaching:calendar")
    token = request.user.calendar_token
    feed_url = (
        request.build_absolute_uri(reverse("coaching:calendar_feed", args=[token])) if token else ""
    )
    return render(
        request,
        "coaching/calendar.html",
        {"feed_url": feed_url, "upcoming": selectors.upcoming_for_calendar(request.user)},
    )


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The coach's upcoming sessions as iCalendar; the private token is the only key."""
    if len(token) < 20:
        raise Http404("Not found")
    owner = User.objects.filter(calendar_token=token, is_active=True).first()
    if owner is None or not selectors.is_coach(owner):
        raise Http404("Not found")
    body = ics.calendar_for(owner, selectors.upcoming_for_calendar(owner), request)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="coaching.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


# --- Programme settings and the executive register ------------------------------------------


@login_required
def rhythm(request: HttpRequest) -> HttpResponse:
    require_programme_admin(request.user, "Only programme admins change the planned rhythm.")
    form = RhythmForm(request.POST or None, instance=CoachingRhythm.current())
    if request.method == "POST" and form.is_valid():
        services.rhythm_update(
            actor=request.user,
            ward_sessions_per_month=form.cleaned_data["ward_sessions_per_month"],
        )
        messages.success(request, "Planned rhythm saved.")
        return redirect("coaching:coverage")
    return render(request, "coaching/rhythm.html", {"form": form})


@login_required
def executive_list(request: HttpRequest) -> HttpResponse:
    """The executive register, for coach pairs (their organisations) and programme admins."""
    if not selectors.may_see_executive_register(request.user):
        raise PermissionDenied("Only coach pairs and programme admins see the register.")
    from django.db.models import Max, Q

    executives = (
        Executive.objects.editable_by(request.user)
        .select_related("organisation", "coach_pair__lived_experience_coach")
        .select_related("coach_pair__board_coach")
        .annotate(
            last_session=Max("sessions__date", filter=Q(sessions__status=SessionStatus.LOGGED))
        )
        .order_by("organisation__name", "name")
    )
    pairs = CoachPair.objects.visible_to(request.user).current()
    return render(
        request,
        "coaching/executive_list.html",
        {
            "page": Paginator(executives, 50).get_page(request.GET.get("page")),
            "pair_count": pairs.count(),
        },
    )

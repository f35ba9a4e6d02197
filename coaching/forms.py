"""The session form (one page, kind-dependent fields, actions inline) and the small forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.forms import formset_factory
from django.utils import timezone

from coaching.models import (
    CONFIDENTIAL_KINDS,
    WARD_KINDS,
    CoachingRhythm,
    CoachingSession,
    Executive,
    SessionKind,
    SessionStatus,
)
from culture_of_care.access import Domain, can_edit, has_role, is_programme_admin
from culture_of_care.accounts.models import User
from culture_of_care.accounts.roles import Role
from culture_of_care.guards import validate_no_nhs_number
from culture_of_care.identifiers import parse_id
from culture_of_care.improvement.models import (
    Commitment,
    DriverNode,
    NodeKind,
    PDSACycle,
    TheoryLevel,
    TheoryStatus,
)
from organisations.models import Organisation
from organisations.selectors import escalated_barriers_for_sessions
from wards.models import Ward


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class NumberInput(forms.TextInput):
    """A text box with a numeric keyboard (the NHS.UK pattern, not type=number)."""

    def __init__(self) -> None:
        super().__init__(attrs={"inputmode": "numeric"})


def allowed_kinds(user: Any) -> list[tuple[str, str]]:
    """The kinds of session this person logs, by their roles."""
    if is_programme_admin(user):
        return list(SessionKind.choices)
    kinds: set[str] = set()
    if has_role(user, Role.QI_COACH) or user.coached_wards.exists():
        kinds.add(SessionKind.WARD_QI)
    if has_role(user, Role.LEADERSHIP_COACH):
        kinds |= {SessionKind.ORGANISATION, SessionKind.EXECUTIVE, SessionKind.REVERSE_MENTORING}
    if has_role(user, Role.RISK_LEAD):
        kinds.add(SessionKind.RISK_SUPPORT)
    return [(value, label) for value, label in SessionKind.choices if value in kinds]


# Which fields each kind uses (the page shows all without JavaScript; a small script hides
# the others).
FIELD_KINDS: dict[str, set[str]] = {
    "ward": set(WARD_KINDS),
    "organisation": {k for k in SessionKind.values if k not in WARD_KINDS},
    "executives": {SessionKind.EXECUTIVE},
    "confidential_notes": set(CONFIDENTIAL_KINDS),
    "pdsa_cycles": {SessionKind.WARD_QI, SessionKind.ORGANISATION, SessionKind.RISK_SUPPORT},
    "barriers": {SessionKind.EXECUTIVE},
}


class SessionForm(forms.ModelForm):
    kind = forms.ChoiceField(label="Kind of session", widget=forms.RadioSelect)
    ward = forms.ModelChoiceField(
        queryset=Ward.objects.none(),
        required=False,
        label="Ward",
        help_text="For ward QI coaching.",
        empty_label="Choose a ward",
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Organisation",
        help_text="For organisation, executive, risk support and reverse mentoring sessions.",
        empty_label="Choose an organisation",
    )
    other_coaches = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Other coaches present",
        help_text="You are recorded as a coach. Tick anyone else who coached with you.",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = CoachingSession
        fields = [
            "date",
            "duration_minutes",
            "mode",
            "attendee_count",
            "lived_experience_attendee_count",
            "executives",
            "topics",
            "commitments",
            "pdsa_cycles",
            "barriers",
            "shared_summary",
            "confidential_notes",
            "next_session_on",
        ]
        labels = {
            "date": "Date of the session",
            "duration_minutes": "How long it lasted, in minutes",
            "mode": "How you met",
            "attendee_count": "How many people attended",
            "lived_experience_attendee_count": "How many of them bring lived experience",
            "executives": "Executives coached",
            "topics": "Change theory topics discussed",
            "commitments": "Culture of Care commitments discussed",
            "pdsa_cycles": "PDSA cycles discussed",
            "barriers": "Barriers on the board's list discussed",
            "shared_summary": "Shared summary",
            "confidential_notes": "Confidential notes",
            "next_session_on": "Date of the next session (optional)",
        }
        help_texts = {
            "duration_minutes": "Between 5 and 480 minutes.",
            "attendee_count": "Not counting the coaches.",
            "shared_summary": "What was discussed and agreed, for everyone who can see this "
            "session. Do not include patient-identifiable information.",
            "confidential_notes": "Executive coaching and reverse mentoring only. Seen only by "
            "the organisation's coach pair and programme admins.",
        }
        widgets = {
            "date": DateInput(),
            "next_session_on": DateInput(),
            "duration_minutes": NumberInput(),
            "attendee_count": NumberInput(),
            "lived_experience_attendee_count": NumberInput(),
            "mode": forms.RadioSelect,
            "executives": forms.CheckboxSelectMultiple,
            "topics": forms.CheckboxSelectMultiple,
            "commitments": forms.CheckboxSelectMultiple,
            "pdsa_cycles": forms.CheckboxSelectMultiple,
            "barriers": forms.CheckboxSelectMultiple,
            "shared_summary": forms.Textarea(attrs={"rows": 4}),
            "confidential_notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, user: Any, logging: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.logging = logging  # False when saving a draft: only light checks
        self.fields["kind"].choices = allowed_kinds(user)
        if not self.is_bound and not self.instance.pk:
            # Most sessions are logged on the day they happen.
            self.initial.setdefault("date", timezone.localdate())
        if len(self.fields["kind"].choices) == 1 and not self.is_bound:
            self.initial.setdefault("kind", self.fields["kind"].choices[0][0])
        if self.instance.pk and self.instance.kind:
            self.initial.setdefault("kind", self.instance.kind)
            self.initial.setdefault("ward", self.instance.ward_id)
            self.initial.setdefault("organisation", self.instance.organisation_id)
            self.initial.setdefault(
                "other_coaches", [c.pk for c in self.instance.coaches.all() if c.pk != user.pk]
            )
        wards = (
            Ward.objects.where_may_change(user, Domain.COACHING)
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )
        self.fields["ward"].queryset = wards
        self.fields["ward"].label_from_instance = lambda w: f"{w.name}, {w.organisation.name}"
        kinds = {k for k, _ in self.fields["kind"].choices}
        admin = is_programme_admin(user)
        organisations = Organisation.objects.where_may_change(
            user, Domain.COACHING
        ) | Organisation.objects.where_may_change(user, Domain.EXECUTIVE_COACHING)
        org_ids: set[int] = set() if admin else set(organisations.values_list("id", flat=True))
        self.fields["organisation"].queryset = organisations.order_by("name")
        self.fields["executives"].queryset = (
            Executive.objects.editable_by(user)
            .filter(ended_on__isnull=True)
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )
        self.fields["executives"].label_from_instance = lambda e: f"{e.name}, {e.job_title}"
        chosen_org = self._chosen("organisation")
        if chosen_org:
            # Only the chosen organisation's executives (and any already on this session).
            narrowed = Q(organisation_id=chosen_org)
            if self.instance.pk:
                narrowed |= Q(pk__in=self.instance.executives.values("pk"))
            self.fields["executives"].queryset = self.fields["executives"].queryset.filter(narrowed)
        self.fields["topics"].queryset = (
            DriverNode.objects.filter(
                theory__status=TheoryStatus.PUBLISHED,
                kind__in=[NodeKind.PRIMARY, NodeKind.SECONDARY],
            )
            .select_related("theory")
            .order_by("theory__level", "order", "id")
        )
        self.fields["topics"].label_from_instance = lambda n: n.text
        self.fields["commitments"].queryset = Commitment.objects.order_by("number")
        self.fields["pdsa_cycles"].queryset = self._cycle_queryset(wards)
        self.fields["pdsa_cycles"].label_from_instance = lambda c: (
            f"{c.ward.name if c.ward_id else c.organisation.name}: cycle {c.number}, {c.title}"
        )
        self.fields["other_coaches"].queryset = self._coach_queryset(admin, org_ids, wards)
        # Fields this person never uses are left out altogether.
        if not kinds & set(WARD_KINDS):
            del self.fields["ward"]
        if not kinds - set(WARD_KINDS):
            del self.fields["organisation"]
        self.fields["barriers"].queryset = escalated_barriers_for_sessions(user)
        self.fields["barriers"].label_from_instance = lambda b: (
            f"{b.title} ({b.organisation.name}, open {b.age_weeks()} weeks)"
        )
        if SessionKind.EXECUTIVE not in kinds:
            del self.fields["executives"]
            del self.fields["barriers"]
        if not kinds & CONFIDENTIAL_KINDS:
            del self.fields["confidential_notes"]
        if not self.fields["other_coaches"].queryset.exists():
            del self.fields["other_coaches"]
        for name, field in self.fields.items():
            field.kinds = " ".join(sorted(FIELD_KINDS.get(name, SessionKind.values)))

    def topic_groups(self) -> list[dict[str, Any]]:
        """The topics' checkboxes by the level of their change theory (ward, organisation,
        risk), each group collapsed unless something in it is ticked."""
        if "topics" not in self.fields:
            return []
        groups = _groups(self["topics"], lambda node: node.theory.get_level_display())
        order = [label for _, label in TheoryLevel.choices]
        return sorted(
            groups, key=lambda g: order.index(g["legend"]) if g["legend"] in order else 99
        )

    def executive_groups(self) -> list[dict[str, Any]]:
        """The executives' checkboxes by organisation; the page hides other organisations'."""
        if "executives" not in self.fields:
            return []
        return _groups(
            self["executives"],
            lambda e: e.organisation.name,
            key=lambda e: e.organisation_id,
        )

    def _chosen(self, name: str) -> Any:
        value = self.data.get(name) if self.is_bound else self.initial.get(name)
        return parse_id(value)

    def _cycle_queryset(self, wards: Any) -> Any:
        # Start from what this person may see: the chosen organisation comes from the request.
        cycles = (
            PDSACycle.objects.visible_to(self.user)
            .select_related("ward", "organisation")
            .exclude(status="complete")
        )
        ward_id, org_id = self._chosen("ward"), self._chosen("organisation")
        if self.instance.pk and self.instance.pdsa_cycles.exists():
            keep = Q(pk__in=self.instance.pdsa_cycles.values("pk"))
        else:
            keep = Q(pk__in=[])
        if ward_id and wards.filter(pk=ward_id).exists():
            return cycles.filter(Q(ward_id=ward_id) | keep).order_by("ward__name", "number")
        if org_id:
            return cycles.filter(Q(organisation_id=org_id, ward__isnull=True) | keep).order_by(
                "number"
            )
        if is_programme_admin(self.user):
            return cycles.filter(keep)
        return cycles.filter(Q(ward__in=wards) | keep).order_by("ward__name", "number")

    def _coach_queryset(self, admin: bool, org_ids: set[int], wards: Any) -> Any:
        coach_roles = [Role.QI_COACH, Role.LEADERSHIP_COACH, Role.RISK_LEAD]
        people = User.objects.filter(is_active=True)
        if admin:
            people = people.filter(role_assignments__role__in=coach_roles)
        else:
            people = people.filter(
                Q(
                    role_assignments__role__in=coach_roles,
                    role_assignments__organisation_id__in=org_ids,
                )
                | Q(coached_wards__in=wards)
            )
        return people.exclude(pk=self.user.pk).distinct().order_by("full_name")

    # --- validation ---------------------------------------------------------------------

    def clean_date(self) -> Any:
        value = self.cleaned_data.get("date")
        if self.logging and value is None:
            raise forms.ValidationError("Enter the date of the session.")
        if self.logging and value and value > timezone.localdate():
            raise forms.ValidationError(
                "The date of the session must be today or in the past. Save a draft for a "
                "session that has not happened yet."
            )
        return value

    def clean_duration_minutes(self) -> Any:
        value = self.cleaned_data.get("duration_minutes")
        if self.logging and value is None:
            raise forms.ValidationError("Enter how long the session lasted, in minutes.")
        if value is not None and not 5 <= value <= 480:
            raise forms.ValidationError("The session must last between 5 and 480 minutes.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        ward = data.get("ward")
        organisation = data.get("organisation")
        if kind in WARD_KINDS:
            if ward is None and "ward" not in self.errors:
                self.add_error("ward", "Choose the ward the session was with.")
            elif ward is not None:
                if organisation is not None and organisation.pk != ward.organisation_id:
                    self.add_error("ward", f"{ward.name} does not belong to {organisation.name}.")
                organisation = ward.organisation
        elif kind:
            if organisation is None and "organisation" not in self.errors:
                self.add_error("organisation", "Choose the organisation the session was with.")
            if ward is not None:
                if organisation is not None and ward.organisation_id != organisation.pk:
                    self.add_error("ward", f"{ward.name} does not belong to {organisation.name}.")
                ward = None  # sessions of this kind are with the whole organisation
        data["ward"] = ward if kind in WARD_KINDS else None
        data["organisation"] = organisation
        attendees = data.get("attendee_count")
        lived = data.get("lived_experience_attendee_count")
        if attendees is not None and lived is not None and lived > attendees:
            self.add_error(
                "lived_experience_attendee_count",
                "The number bringing lived experience cannot be more than the number who attended.",
            )
        if data.get("confidential_notes") and kind not in CONFIDENTIAL_KINDS:
            self.add_error(
                "confidential_notes",
                "Confidential notes are only for executive coaching and reverse mentoring. "
                "Put what can be shared in the shared summary.",
            )
        executives = data.get("executives")
        if executives:
            if kind != SessionKind.EXECUTIVE:
                self.add_error("executives", "Executives are only recorded for executive coaching.")
            elif organisation and any(e.organisation_id != organisation.pk for e in executives):
                self.add_error("executives", f"Choose executives of {organisation.name} only.")
        elif kind == SessionKind.EXECUTIVE and self.logging and "executives" in self.fields:
            self.add_error("executives", "Choose the executive or executives coached.")
        barriers = data.get("barriers")
        if (
            barriers
            and organisation
            and any(b.organisation_id != organisation.pk for b in barriers)
        ):
            self.add_error("barriers", f"Choose barriers of {organisation.name} only.")
        cycles = data.get("pdsa_cycles")
        if cycles and organisation:
            for cycle in cycles:
                same = (
                    cycle.ward_id == ward.pk
                    if ward is not None
                    else cycle.organisation_id == organisation.pk
                )
                if not same:
                    self.add_error(
                        "pdsa_cycles",
                        f"“{cycle.title}” is another ward's or organisation's PDSA cycle.",
                    )
                    break
        when, following = data.get("date"), data.get("next_session_on")
        if when and following and following <= when:
            self.add_error("next_session_on", "The next session must be after this one.")
        if kind and organisation is not None:
            probe = CoachingSession(kind=kind, organisation=organisation, ward=data["ward"])
            if not can_edit(probe, self.user):
                self.add_error(
                    None, f"You cannot log {dict(SessionKind.choices)[kind].lower()} there."
                )
        return data

    def values(self) -> dict[str, Any]:
        names = [
            "kind",
            "date",
            "duration_minutes",
            "mode",
            "attendee_count",
            "lived_experience_attendee_count",
            "shared_summary",
            "confidential_notes",
            "next_session_on",
        ]
        return {n: self.cleaned_data[n] for n in names if n in self.cleaned_data}

    def relations(self) -> dict[str, Any]:
        relations = {
            n: self.cleaned_data.get(n) or []
            for n in ("executives", "topics", "commitments", "pdsa_cycles", "barriers")
            if n in self.fields
        }
        if self.cleaned_data.get("kind") != SessionKind.EXECUTIVE:
            relations["executives"] = []
            if "barriers" in relations:
                relations["barriers"] = []
        if "other_coaches" in self.fields:
            relations["coaches"] = [self.user, *(self.cleaned_data.get("other_coaches") or [])]
        return relations


def _groups(bound: forms.BoundField, label: Any, key: Any = None) -> list[dict[str, Any]]:
    """A checkbox field's options in groups, in the queryset's order: each group has its
    ``legend``, ``key``, ``options`` (the bound subwidgets) and whether one is ``checked``."""
    groups: dict[Any, dict[str, Any]] = {}
    for option in bound.subwidgets:
        instance = option.data["value"].instance
        name = label(instance)
        group_key = key(instance) if key else name
        group = groups.setdefault(
            group_key, {"legend": name, "key": group_key, "options": [], "checked": False}
        )
        group["options"].append(option)
        group["checked"] = group["checked"] or bool(option.data["selected"])
    return list(groups.values())


class ActionForm(forms.Form):
    description = forms.CharField(
        label="Action",
        required=False,
        max_length=2000,
        validators=[validate_no_nhs_number],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Owner",
        empty_label="Not a person in the system",
    )
    owner_role = forms.CharField(
        label="Or a named role",
        required=False,
        max_length=200,
        validators=[validate_no_nhs_number],
        help_text="For example Ward manager.",
    )
    due_on = forms.DateField(label="Due by", required=False, widget=DateInput())

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people if people is not None else User.objects.none()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        filled = any(data.get(n) for n in ("description", "owner", "owner_role", "due_on"))
        if not filled:
            return data
        if not data.get("description") and "description" not in self.errors:
            self.add_error("description", "Describe the action.")
        if not data.get("due_on") and "due_on" not in self.errors:
            self.add_error("due_on", "Enter the date the action is due by.")
        if not (data.get("owner") or data.get("owner_role")):
            self.add_error("owner_role", "Choose the owner, or name the role that owns it.")
        return data

    @property
    def filled(self) -> bool:
        return bool(self.cleaned_data.get("description"))


BaseActionFormSet = formset_factory(ActionForm, extra=2, max_num=20, absolute_max=20)


class ActionFormSet(BaseActionFormSet):
    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        self.people = people
        super().__init__(*args, prefix="actions", **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"people": self.people}

    def new_actions(self) -> list[dict[str, Any]]:
        return [f.cleaned_data for f in self.forms if f.cleaned_data.get("description")]


def action_owner_choices(user: Any, ward: Any, organisation: Any) -> Any:
    """People who can own an action: the ward's team or the organisation's people."""
    from culture_of_care.accounts.models import RoleAssignment

    today = timezone.localdate()
    assignments = RoleAssignment.objects.filter(starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )
    if ward is not None:
        assignments = assignments.filter(Q(ward=ward) | Q(organisation=ward.organisation_id))
    elif organisation is not None:
        assignments = assignments.filter(organisation=organisation)
    else:
        return User.objects.filter(pk=user.pk)
    return (
        User.objects.filter(Q(pk=user.pk) | Q(pk__in=assignments.values("user_id")))
        .filter(is_active=True)
        .order_by("full_name")
    )


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=[("done", "Done"), ("dropped", "Dropped"), ("open", "Open")])


class RhythmForm(forms.ModelForm):
    class Meta:
        model = CoachingRhythm
        fields = ["ward_sessions_per_month"]
        labels = {"ward_sessions_per_month": "Planned ward coaching sessions a month"}
        widgets = {"ward_sessions_per_month": NumberInput()}


class SessionFilterForm(forms.Form):
    q = forms.CharField(
        label="Search the shared summaries",
        required=False,
        max_length=100,
        validators=[validate_no_nhs_number],
    )
    kind = forms.ChoiceField(
        label="Kind of session",
        required=False,
        choices=[("", "All kinds"), *SessionKind.choices],
    )


__all__ = [
    "ActionFormSet",
    "ActionStatusForm",
    "RhythmForm",
    "SessionFilterForm",
    "SessionForm",
    "SessionStatus",
]

"""The coaching API: sessions and actions, under the same confidentiality rule as the pages."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, viewsets

from coaching import selectors
from coaching.models import Action, CoachingSession

# What anyone who may see a session learns about it, confidential or not.
PUBLIC_FIELDS = ("id", "kind", "organisation", "ward", "date", "duration_minutes", "status")


class CoachingSessionSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="ods_code", read_only=True)
    content_visible = serializers.BooleanField(read_only=True)
    summary_visible = serializers.BooleanField(read_only=True)
    coaches = serializers.SlugRelatedField(slug_field="full_name", many=True, read_only=True)

    class Meta:
        model = CoachingSession
        fields = [
            *PUBLIC_FIELDS,
            "content_visible",
            "summary_visible",
            "mode",
            "attendee_count",
            "lived_experience_attendee_count",
            "coaches",
            "executives",
            "topics",
            "commitments",
            "pdsa_cycles",
            "shared_summary",
            "confidential_notes",
            "next_session_on",
        ]
        read_only_fields = fields
        # Left out for readers who may not see a session's content (and confidential_notes for
        # sessions that are not confidential): the schema must not call them required.
        sometimes_omitted = [
            name for name in fields if name not in (*PUBLIC_FIELDS, "content_visible")
        ]

    def to_representation(self, instance: CoachingSession) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not getattr(instance, "content_visible", False):
            # The executive coached also reads the shared summary (never the notes).
            shown = (*PUBLIC_FIELDS, "content_visible", "summary_visible")
            if getattr(instance, "summary_visible", False):
                shown = (*shown, "shared_summary")
            return {name: data[name] for name in shown}
        if not instance.is_confidential:
            data.pop("confidential_notes", None)
        return data


class CoachingSessionViewSet(viewsets.ReadOnlyModelViewSet):
    """Logged coaching sessions the caller may see; confidential content only for the
    organisation's coach pair and programme admins."""

    serializer_class = CoachingSessionSerializer

    def get_queryset(self):
        sessions = selectors.sessions_for_list(self.request.user).prefetch_related(
            "executives", "topics", "commitments", "pdsa_cycles"
        )
        kind = self.request.query_params.get("kind")
        if kind:
            sessions = sessions.filter(kind=kind)
        text = self.request.query_params.get("search")
        if text:
            sessions = sessions.matching(self.request.user, text[:100])
        return sessions


class ActionSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="ods_code", read_only=True)
    owner = serializers.SlugRelatedField(slug_field="full_name", read_only=True, allow_null=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "organisation",
            "ward",
            "session",
            "description",
            "owner",
            "owner_role",
            "due_on",
            "status",
            "done_at",
        ]
        read_only_fields = fields


class ActionViewSet(viewsets.ReadOnlyModelViewSet):
    """Coaching actions the caller may see (not those of confidential sessions, unless theirs)."""

    serializer_class = ActionSerializer

    def get_queryset(self):
        actions = selectors.actions_for_list(self.request.user)
        status = self.request.query_params.get("status")
        if status:
            actions = actions.filter(status=status)
        return actions

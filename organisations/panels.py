"""Barrier sections on shared pages: the ward's "You said, we did", the organisation page and
the home pages (registered in ``OrganisationsConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from culture_of_care.access import edit_reach, has_role
from culture_of_care.accounts.roles import PROGRAMME_WIDE
from organisations import selectors
from organisations.models import Barrier, BarrierStatus, Organisation


def ward_panel(user: Any, ward: Any) -> dict[str, Any] | None:
    return {
        "ward": ward,
        "barriers": selectors.ward_barriers(user, ward, limit=10),
        "can_raise": selectors.can_raise(user, ward),
    }


def organisation_panel(user: Any, organisation: Organisation) -> dict[str, Any] | None:
    queue = selectors.can_see_queue(user, organisation)
    board = selectors.can_see_board(user, organisation)
    if not (queue or board):
        return None
    links = []
    if queue:
        links.append(
            {
                "href": reverse("organisations:barrier_queue", args=[organisation.ods_code]),
                "text": "Barriers raised by wards",
            }
        )
    if board:
        links.append(
            {
                "href": reverse("organisations:barrier_board", args=[organisation.ods_code]),
                "text": "The board's list of barriers",
            }
        )
    # Those who may read the queue see the organisation's barriers one by one anyway.
    return {
        "barrier_panel": selectors.barrier_panel_for(organisation, suppress=not queue),
        "links": links,
    }


def home_panel(user: Any, obj: Any = None) -> dict[str, Any] | None:
    if has_role(user, *PROGRAMME_WIDE):
        return {
            "barrier_panel": selectors.barrier_panel_for(None),
            "links": [
                {
                    "href": reverse("organisations:barrier_themes"),
                    "text": "Barriers across the programme",
                }
            ],
        }
    reach = edit_reach(user, "organisation")
    if not reach.organisation_ids:
        return None
    waiting = (
        Barrier.objects.visible_to(user)
        .filter(organisation_id__in=reach.organisation_ids, status=BarrierStatus.RAISED)
        .count()
    )
    organisations = Organisation.objects.editable_by(user).order_by("name")
    return {
        "waiting": waiting,
        "links": [
            {
                "href": reverse("organisations:barrier_queue", args=[o.ods_code]),
                "text": f"Barriers raised by {o.name}'s wards",
            }
            for o in organisations
        ],
    }

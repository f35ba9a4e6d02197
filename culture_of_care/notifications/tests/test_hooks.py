"""The barrier reminder plugs in once the barrier loop's selector exists."""

from __future__ import annotations

import sys
import types

from django.apps import apps

from culture_of_care.notifications import kinds


def test_barrier_kind_registers_when_the_selector_exists(monkeypatch, ward_member):
    if kinds.get("barriers") is not None:  # the barrier loop is merged: nothing to simulate
        return

    class Barrier:
        pk = 7
        status = "answered"

        def __str__(self):
            return "Willow Ward: not enough staff for protected time was answered."

        def get_absolute_url(self):
            return "/organisations/RAA/barriers/7/"

    module = types.ModuleType("organisations.selectors")
    module.barrier_responses_due_for = lambda user, since: [Barrier()]
    monkeypatch.setitem(sys.modules, "organisations.selectors", module)
    try:
        apps.get_app_config("organisations").ready()
        kind = kinds.get("barriers")
        assert kind is not None
        (item,) = kind.selector(ward_member, __import__("datetime").date(2026, 12, 7))
        assert item.key == "barrier:7:answered"
        assert item.url == "/organisations/RAA/barriers/7/"
        assert kind.default_for({"ward_member"}) == "daily"
    finally:
        kinds.unregister("barriers")

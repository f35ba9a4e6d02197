from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "coaching"
    verbose_name = "Coaching"

    def ready(self) -> None:
        from coaching import panels as coaching_panels
        from coaching import selectors
        from culture_of_care import panels
        from culture_of_care.accounts.roles import Role
        from culture_of_care.notifications import kinds
        from culture_of_care.notifications.kinds import Frequency, Kind

        kinds.register(
            Kind(
                key="actions",
                label="Coaching actions due",
                heading="Your coaching actions",
                description="Actions you own that are due in the next few days or overdue.",
                selector=selectors.actions_due_for,
                default=Frequency.DAILY,
                order=40,
            )
        )
        kinds.register(
            Kind(
                key="sessions",
                label="Coaching sessions coming up",
                heading="Coming up",
                description="Coaching sessions planned in the next two days.",
                selector=selectors.sessions_soon_for,
                role_defaults={
                    Role.QI_COACH: Frequency.DAILY,
                    Role.LEADERSHIP_COACH: Frequency.DAILY,
                    Role.RISK_LEAD: Frequency.DAILY,
                },
                default=Frequency.OFF,
                order=50,
            )
        )
        kinds.register(
            Kind(
                key="no_contact",
                label="Wards gone quiet",
                heading="Wards you have not been in touch with for a while",
                description="Wards you coach with no logged coaching session for six weeks.",
                selector=selectors.wards_without_contact_for,
                order=60,
            )
        )
        kinds.register(
            Kind(
                key="executives",
                label="Executives without a recent session",
                heading="Executive coaching",
                description="Executives your coach pair supports with no session for eight weeks.",
                selector=selectors.executives_without_session_for,
                order=70,
            )
        )
        panels.register("ward", "coaching/panel_ward.html", coaching_panels.ward_panel, order=40)
        panels.register(
            "organisation",
            "coaching/panel_organisation.html",
            coaching_panels.organisation_panel,
            order=40,
        )
        panels.register("home", "coaching/panel_home.html", coaching_panels.home_panel, order=20)
        panels.register(
            "home", "coaching/panel_coachee.html", coaching_panels.coachee_panel, order=10
        )

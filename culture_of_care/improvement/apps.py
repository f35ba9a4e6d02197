from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "culture_of_care.improvement"
    label = "improvement"
    verbose_name = "QI method"

    def ready(self) -> None:
        from culture_of_care import panels
        from culture_of_care.accounts.roles import Role
        from culture_of_care.improvement import selectors
        from culture_of_care.notifications import kinds
        from culture_of_care.notifications.kinds import Frequency, Kind

        panels.register("ward", "improvement/panel_ward.html", selectors.ward_panel, order=10)
        panels.register(
            "organisation",
            "improvement/panel_organisation.html",
            selectors.organisation_panel,
            order=10,
        )
        panels.register("home", "improvement/panel_home.html", selectors.home_panel, order=10)
        kinds.register(
            Kind(
                key="data_due",
                label="Monthly data to enter",
                heading="Monthly data",
                description="When a ward's monthly measures still need data near or after the "
                "submission deadline.",
                selector=selectors.data_due_for,
                role_defaults={Role.WARD_MEMBER: Frequency.DAILY},
                order=10,
            )
        )
        kinds.register(
            Kind(
                key="pdsa_due",
                label="PDSA cycles to pick up",
                heading="PDSA cycles",
                description="Cycles past their planned end without a study, or in one stage "
                "for a long time.",
                selector=selectors.pdsa_due_for,
                order=20,
            )
        )
        kinds.register(
            Kind(
                key="signals",
                label="Chart signals to review",
                heading="Chart signals",
                description="Signals on a ward's charts still waiting for a review after a week.",
                selector=selectors.signals_to_review_for,
                order=30,
            )
        )

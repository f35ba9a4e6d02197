from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "risk"
    verbose_name = "Risk: a personalised approach to safety"

    def ready(self) -> None:
        from culture_of_care import panels
        from culture_of_care.accounts.roles import Role
        from culture_of_care.notifications import kinds
        from culture_of_care.notifications.kinds import Frequency, Kind
        from risk import selectors
        from risk.panels import organisation_panel

        panels.register(
            "organisation", "risk/panel_organisation.html", organisation_panel, order=40
        )
        kinds.register(
            Kind(
                key="risk_self_assessment",
                label="Risk self-assessment due",
                heading="Risk self-assessment",
                description="The organisation's quarterly risk self-assessment, when it is due "
                "or overdue.",
                selector=selectors.self_assessments_due_for,
                role_defaults={Role.RISK_LEAD: Frequency.WEEKLY},
                order=90,
            )
        )

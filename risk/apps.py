from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "risk"
    verbose_name = "Risk: a personalised approach to safety"

    def ready(self) -> None:
        from culture_of_care import panels
        from culture_of_care.accounts import digest
        from risk.panels import digest_reminders, organisation_panel

        panels.register(
            "organisation", "risk/panel_organisation.html", organisation_panel, order=40
        )
        digest.register(digest_reminders)

from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "culture_of_care.improvement"
    label = "improvement"
    verbose_name = "QI method"

    def ready(self) -> None:
        from culture_of_care import panels
        from culture_of_care.accounts import digest
        from culture_of_care.improvement import selectors

        panels.register("ward", "improvement/panel_ward.html", selectors.ward_panel, order=10)
        panels.register(
            "organisation",
            "improvement/panel_organisation.html",
            selectors.organisation_panel,
            order=10,
        )
        panels.register("home", "improvement/panel_home.html", selectors.home_panel, order=10)
        digest.register(selectors.overdue_lines)

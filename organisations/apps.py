from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Organisations"

    def ready(self) -> None:
        from culture_of_care import panels
        from organisations import panels as barrier_panels

        panels.register(
            "ward", "organisations/barriers/panel_ward.html", barrier_panels.ward_panel, order=30
        )
        panels.register(
            "organisation",
            "organisations/barriers/panel_organisation.html",
            barrier_panels.organisation_panel,
            order=30,
        )
        panels.register(
            "home", "organisations/barriers/panel_home.html", barrier_panels.home_panel, order=30
        )

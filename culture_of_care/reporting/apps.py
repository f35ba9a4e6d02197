from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "culture_of_care.reporting"
    label = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        # The chart panels are registered here rather than in the improvement app, whose
        # AppConfig belongs to the QI method; reporting may read every app.
        from culture_of_care import panels
        from culture_of_care.improvement import events
        from culture_of_care.reporting import selectors, tasks

        events.listen(tasks.queue_organisation_refresh)

        panels.register("ward", "charts/panels/ward.html", selectors.ward_panel, order=20)
        panels.register(
            "organisation",
            "charts/panels/organisation.html",
            selectors.organisation_panel,
            order=20,
        )
        panels.register("home", "charts/panels/home.html", selectors.home_panel, order=20)
        dashboard = "reporting/panels/dashboard.html"
        panels.register("home", dashboard, selectors.dashboard_home_panel, order=15)
        panels.register("organisation", dashboard, selectors.dashboard_organisation_panel, order=15)
        panels.register("ward", dashboard, selectors.dashboard_ward_panel, order=15)
        from culture_of_care.accounts.roles import Role
        from culture_of_care.notifications import kinds
        from culture_of_care.notifications.kinds import Frequency, Kind

        kinds.register(
            Kind(
                key="organisation_summary",
                label="Weekly summary of your organisation",
                heading="Last week in your organisation",
                description="Counts of your wards' PDSA cycles, data and coaching last week.",
                selector=selectors.organisation_week_for,
                default=Frequency.OFF,
                role_defaults={Role.ORGANISATION_LEAD: Frequency.WEEKLY},
                order=5,
            )
        )

from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "coaching"
    verbose_name = "Coaching"

    def ready(self) -> None:
        from coaching import panels as coaching_panels
        from coaching import reminders
        from culture_of_care import panels
        from culture_of_care.accounts import digest

        digest.register(reminders.actions_due)
        digest.register(reminders.sessions_tomorrow)
        digest.register(reminders.wards_without_contact)
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

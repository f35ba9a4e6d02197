from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "culture_of_care.notifications"
    label = "notifications"
    verbose_name = "Reminders and the daily digest"

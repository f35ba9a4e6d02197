from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "culture_of_care.history"
    label = "history"
    verbose_name = "History (database triggers)"

    def ready(self) -> None:
        from culture_of_care.history import context, protection

        context.connect_system_contexts()
        protection.connect()

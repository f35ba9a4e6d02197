from django.apps import AppConfig


class TokensConfig(AppConfig):
    name = "culture_of_care.tokens"
    label = "tokens"
    verbose_name = "API tokens"

    def ready(self) -> None:
        # The idle-session clock starts at sign-in (a signal receiver in culture_of_care.security).
        from culture_of_care import security  # noqa: F401

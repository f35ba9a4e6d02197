from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "culture_of_care.accounts"
    label = "accounts"
    verbose_name = "People and roles"

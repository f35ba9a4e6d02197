from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "culture_of_care.reporting"
    label = "reporting"
    verbose_name = "Reporting"

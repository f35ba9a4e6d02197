from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "culture_of_care.improvement"
    label = "improvement"
    verbose_name = "QI method"

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "culture_of_care.audit"
    label = "audit"
    verbose_name = "Audit trail"

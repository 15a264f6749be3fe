from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "hotich.audit"
    label = "audit"
    verbose_name = "Nhật ký truy cập"

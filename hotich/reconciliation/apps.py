from django.apps import AppConfig


class ReconciliationConfig(AppConfig):
    name = "hotich.reconciliation"
    verbose_name = "Đối chiếu với CSDL dân cư"

from django.apps import AppConfig


class OversightConfig(AppConfig):
    """Reading the audit log: the search and export pages of inspectors and administrators."""

    name = "hotich.oversight"
    label = "oversight"
    verbose_name = "Tra cứu nhật ký"

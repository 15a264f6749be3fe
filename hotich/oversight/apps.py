from django.apps import AppConfig


class OversightConfig(AppConfig):
    """Reading the audit log: the search and export pages of inspectors and administrators."""

    name = "hotich.oversight"
    label = "oversight"
    verbose_name = "Tra cứu nhật ký"

    def ready(self) -> None:
        # The export task must be importable under the path the queue stores
        # (hotich.audit.tasks.audit_export) before a worker picks up a queued export.
        from hotich.oversight import tasks  # noqa: F401

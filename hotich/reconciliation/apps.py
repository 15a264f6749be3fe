from django.apps import AppConfig


class ReconciliationConfig(AppConfig):
    name = "hotich.reconciliation"
    verbose_name = "Đối chiếu với CSDL dân cư"

    def ready(self) -> None:
        # Queued rows name the book reconciliation by its old path; the module makes that
        # path resolve (see hotich.reconciliation.tasks).
        from hotich.reconciliation import tasks  # noqa: F401

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "hotich.jobs"
    label = "jobs"
    verbose_name = "Tác vụ nền"

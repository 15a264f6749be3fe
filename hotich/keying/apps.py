from django.apps import AppConfig


class KeyingConfig(AppConfig):
    name = "hotich.keying"
    verbose_name = "Nhập liệu sổ hộ tịch"

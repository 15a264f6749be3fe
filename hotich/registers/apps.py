from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "hotich.registers"
    label = "registers"
    verbose_name = "Sổ hộ tịch"

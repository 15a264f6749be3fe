from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "hotich.registry"
    label = "registry"
    verbose_name = "CSDL quốc gia về dân cư"

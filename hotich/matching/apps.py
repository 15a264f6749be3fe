from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "hotich.matching"
    verbose_name = "Đối chiếu CSDL dân cư"

from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "hotich.places"
    label = "places"
    verbose_name = "Đơn vị hành chính"

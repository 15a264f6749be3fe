from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "hotich.exchange"
    verbose_name = _("Trao đổi dữ liệu (nhập, xuất Excel)")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "hotich.review"
    verbose_name = _("Bản chụp, rà soát và phê duyệt")

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "hotich.campaigns"
    verbose_name = "Kế hoạch, tiến độ và báo cáo"

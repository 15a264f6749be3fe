"""The project's URLs: each app's own, included here (paths and names are the apps')."""

from django.urls import include, path

urlpatterns = [
    path("", include("hotich.core.urls")),
    path("", include("hotich.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("hotich.registers.urls")),
    path("", include("hotich.matching.urls")),
    path("", include("hotich.registry.urls")),
    path("", include("hotich.oversight.urls")),
    path("", include("hotich.jobs.urls")),
    path("", include("hotich.campaigns.urls")),
    path("", include("hotich.keying.urls")),
    path("", include("hotich.reconciliation.urls")),
    path("", include("hotich.exchange.urls")),
    path("", include("hotich.review.urls")),
]

handler403 = "hotich.core.views.permission_denied"

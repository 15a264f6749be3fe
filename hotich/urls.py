"""The project's URLs: each app's own, included here (paths and names are the apps')."""

from django.urls import include, path

from hotich.keying import tracking as tracking_views
from hotich.matching import views as matching_views

urlpatterns = [
    path("", include("hotich.core.urls")),
    path("", include("hotich.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("hotich.registers.urls")),
    path("so/<int:pk>/doi-chieu/", matching_views.book_reconcile_start, name="book_reconcile"),
    path("", include("hotich.matching.urls")),
    path("", include("hotich.registry.urls")),
    path("", include("hotich.oversight.urls")),
    path("", include("hotich.jobs.urls")),
    path("", include("hotich.campaigns.urls")),
    path("", include("hotich.keying.urls")),
    path("theo-doi/", tracking_views.case_list, name="tracking_list"),
    path("theo-doi/xuat.xlsx", tracking_views.case_export, name="tracking_export"),
    path("theo-doi/<int:pk>/", tracking_views.case_detail, name="tracking_case"),
    path("theo-doi/<int:pk>/giao/", tracking_views.case_assign, name="tracking_assign"),
    path("theo-doi/<int:pk>/dong/", tracking_views.case_close, name="tracking_close"),
    path("", include("hotich.exchange.urls")),
    path("", include("hotich.review.urls")),
]

handler403 = "hotich.core.views.permission_denied"

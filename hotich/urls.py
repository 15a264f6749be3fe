from django.urls import include, path

from hotich.audit import views as audit_views
from hotich.core import views as core_views
from hotich.jobs import views as job_views
from hotich.registers import views as register_views
from hotich.registry import views as registry_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("dang-nhap/", core_views.AuditedLoginView.as_view(), name="login"),
    path("dang-xuat/", core_views.logout_view, name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("so/", register_views.book_list, name="book_list"),
    path("so/<int:pk>/", register_views.book_detail, name="book_detail"),
    path("so/<int:pk>/xuat.xlsx", register_views.book_export, name="book_export"),
    path("truong-hop/<int:pk>/", register_views.entry_detail, name="entry_detail"),
    path("truong-hop/<int:pk>/nhap-xong/", register_views.entry_submit, name="entry_submit"),
    path("cong-dan/<str:personal_id>/", registry_views.citizen_detail, name="citizen_detail"),
    path("nhat-ky/", audit_views.audit_search, name="audit_search"),
    path("nhat-ky/xuat/", audit_views.audit_export_start, name="audit_export"),
    path("tac-vu/", job_views.job_list, name="job_list"),
    path("tac-vu/<uuid:pk>/tai-ve/", job_views.job_download, name="job_download"),
    path("", include("hotich.exchange.urls")),
    path("", include("hotich.review.urls")),
]

handler403 = "hotich.core.views.permission_denied"

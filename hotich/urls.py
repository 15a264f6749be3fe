from django.urls import include, path

from hotich.audit import views as audit_views
from hotich.core import views as core_views
from hotich.jobs import views as job_views
from hotich.keying import tracking as tracking_views
from hotich.keying import views as keying_views
from hotich.matching import views as matching_views
from hotich.registers import views as register_views
from hotich.registry import views as registry_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("dang-nhap/", core_views.AuditedLoginView.as_view(), name="login"),
    path("dang-xuat/", core_views.logout_view, name="logout"),
    path("", include("hotich.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("so/", register_views.book_list, name="book_list"),
    path("so/<int:pk>/", register_views.book_detail, name="book_detail"),
    path("so/<int:pk>/xuat.xlsx", register_views.book_export, name="book_export"),
    path("truong-hop/<int:pk>/", register_views.entry_detail, name="entry_detail"),
    path("truong-hop/<int:pk>/nhap-xong/", register_views.entry_submit, name="entry_submit"),
    path("so/<int:pk>/doi-chieu/", matching_views.book_reconcile_start, name="book_reconcile"),
    path("tra-cuu/", matching_views.registry_lookup, name="registry_lookup"),
    path("cong-dan/<str:personal_id>/", registry_views.citizen_detail, name="citizen_detail"),
    path("nhat-ky/", audit_views.audit_search, name="audit_search"),
    path("nhat-ky/xuat/", audit_views.audit_export_start, name="audit_export"),
    path("tac-vu/", job_views.job_list, name="job_list"),
    path("tac-vu/<uuid:pk>/tai-ve/", job_views.job_download, name="job_download"),
    path("", include("hotich.campaigns.urls")),
    # Keying (docs/keying.md): work queue, entry forms, double keying, tracking list.
    path("nhap/", keying_views.work_queue, name="keying_queue"),
    path("nhap/so/<int:pk>/", keying_views.book_queue, name="keying_book"),
    path("nhap/so/<int:pk>/moi/", keying_views.entry_new, name="keying_new"),
    path("nhap/so/<int:pk>/kiem-tra/", keying_views.form_check, name="keying_check"),
    path("nhap/so/<int:pk>/nhap-hai-lan/", keying_views.policy_set, name="keying_policy"),
    path("nhap/truong-hop/<int:pk>/", keying_views.entry_edit, name="keying_edit"),
    path("nhap/truong-hop/<int:pk>/de-sau/", keying_views.entry_set_aside, name="keying_aside"),
    path(
        "nhap/truong-hop/<int:pk>/nhap-lan-hai/", keying_views.second_keying, name="keying_second"
    ),
    path("nhap/truong-hop/<int:pk>/phan-xu/", keying_views.arbitrate, name="keying_arbitrate"),
    path("nhap/chat-luong/", keying_views.quality, name="keying_quality"),
    path("theo-doi/", tracking_views.case_list, name="tracking_list"),
    path("theo-doi/xuat.xlsx", tracking_views.case_export, name="tracking_export"),
    path("theo-doi/<int:pk>/", tracking_views.case_detail, name="tracking_case"),
    path("theo-doi/<int:pk>/giao/", tracking_views.case_assign, name="tracking_assign"),
    path("theo-doi/<int:pk>/dong/", tracking_views.case_close, name="tracking_close"),
    path("", include("hotich.exchange.urls")),
    path("", include("hotich.review.urls")),
]

handler403 = "hotich.core.views.permission_denied"

from django.urls import path

from hotich.exchange import mapping_views, views

urlpatterns = [
    path("nhap-tep/", views.import_upload, name="import_upload"),
    path("nhap-tep/<int:pk>/", views.import_detail, name="import_detail"),
    path("nhap-tep/<int:pk>/ghep-cot/", mapping_views.import_mapping, name="import_mapping"),
    path(
        "nhap-tep/<int:pk>/ghep-cot/xem-truoc/",
        mapping_views.import_mapping_preview,
        name="import_mapping_preview",
    ),
    path("nhap-tep/<int:pk>/bao-cao-loi.xlsx", views.import_report, name="import_report"),
    path("bang-ghep-cot/", mapping_views.mapping_list, name="mapping_list"),
    path("bang-ghep-cot/<int:pk>/", mapping_views.mapping_edit, name="mapping_edit"),
    path(
        "bang-ghep-cot/<int:pk>/xem-truoc/",
        mapping_views.saved_mapping_preview,
        name="mapping_preview",
    ),
    path("bang-ghep-cot/<int:pk>/xoa/", mapping_views.mapping_delete, name="mapping_delete"),
    path("so/<int:pk>/xuat-mau-bo/", views.book_exports, name="book_exports"),
    path("so/<int:pk>/xuat-mau-bo/tao/", views.book_export_start, name="book_export_start"),
    path("xuat/<int:pk>/<str:part>/", views.export_download, name="export_download"),
]

from django.urls import path

from hotich.exchange import views

urlpatterns = [
    path("nhap-tep/", views.import_upload, name="import_upload"),
    path("nhap-tep/<int:pk>/", views.import_detail, name="import_detail"),
    path("nhap-tep/<int:pk>/ghep-cot/", views.import_mapping, name="import_mapping"),
    path("nhap-tep/<int:pk>/bao-cao-loi.xlsx", views.import_report, name="import_report"),
    path("so/<int:pk>/xuat-mau-bo/", views.book_exports, name="book_exports"),
    path("so/<int:pk>/xuat-mau-bo/tao/", views.book_export_start, name="book_export_start"),
    path("xuat/<int:pk>/<str:part>/", views.export_download, name="export_download"),
]

from django.urls import path

from hotich.oversight import views

urlpatterns = [
    path("nhat-ky/", views.audit_search, name="audit_search"),
    path("nhat-ky/xuat/", views.audit_export_start, name="audit_export"),
]

from django.urls import path

from hotich.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("dang-nhap/", views.AuditedLoginView.as_view(), name="login"),
    path("dang-xuat/", views.logout_view, name="logout"),
]

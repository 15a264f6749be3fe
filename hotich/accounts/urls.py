from django.urls import path

from hotich.accounts import login, views

urlpatterns = [
    path("dang-nhap/", login.AuditedLoginView.as_view(), name="login"),
    path("dang-xuat/", login.logout_view, name="logout"),
    path("xac-thuc/", views.second_factor, name="second_factor"),
    path("xac-thuc/dang-ky/", views.second_factor_enrol, name="second_factor_enrol"),
    path("doi-mat-khau/", views.password_change, name="password_change"),
    path("tai-khoan/", views.account_list, name="account_list"),
    path("tai-khoan/moi/", views.account_new, name="account_new"),
    path("tai-khoan/<int:pk>/", views.account_edit, name="account_edit"),
    path("tai-khoan/<int:pk>/mat-khau/", views.account_password, name="account_password"),
    path("tai-khoan/<int:pk>/trang-thai/", views.account_active, name="account_active"),
    path("tai-khoan/<int:pk>/mo-khoa/", views.account_unlock, name="account_unlock"),
    path(
        "tai-khoan/<int:pk>/xac-thuc/",
        views.account_second_factor_reset,
        name="account_second_factor_reset",
    ),
]

from django.urls import path

from hotich.reconciliation import views

urlpatterns = [
    path("so/<int:pk>/doi-chieu/", views.book_reconcile_start, name="book_reconcile"),
    path("theo-doi/", views.case_list, name="tracking_list"),
    path("theo-doi/xuat.xlsx", views.case_export, name="tracking_export"),
    path("theo-doi/<int:pk>/", views.case_detail, name="tracking_case"),
    path("theo-doi/<int:pk>/giay-huong-dan.pdf", views.case_notice, name="tracking_notice"),
    path("theo-doi/<int:pk>/giao/", views.case_assign, name="tracking_assign"),
    path("theo-doi/<int:pk>/dong/", views.case_close, name="tracking_close"),
]

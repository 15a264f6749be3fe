from django.urls import path

from hotich.review import views

urlpatterns = [
    path("so/<int:pk>/ban-chup/", views.book_scans, name="book_scans"),
    path("so/<int:pk>/ban-chup/ca-quyen/", views.book_scan_upload, name="book_scan_upload"),
    path(
        "so/<int:pk>/ban-chup/ca-quyen/<int:source>/", views.book_scan_split, name="book_scan_split"
    ),
    path("ban-chup/<int:pk>/trang/<int:page>.png", views.scan_page, name="scan_page"),
    path(
        "so/<int:pk>/ban-chup/ca-quyen/<int:source>/trang/<int:page>.png",
        views.book_scan_page,
        name="book_scan_page",
    ),
    path("ban-chup/<int:pk>/<str:part>/", views.scan_file, name="scan_file"),
    path("so/<int:pk>/ra-soat/", views.book_review, name="book_review"),
    path("so/<int:pk>/ra-soat/thao-tac/", views.book_review_action, name="book_review_action"),
    path("truong-hop/<int:pk>/ra-soat/", views.entry_review, name="entry_review"),
    path("truong-hop/<int:pk>/ra-soat/sua/", views.entry_review_field, name="entry_review_field"),
    path(
        "truong-hop/<int:pk>/ra-soat/thao-tac/",
        views.entry_review_action,
        name="entry_review_action",
    ),
    path("truong-hop/<int:pk>/ban-chup/", views.entry_scan_upload, name="entry_scan_upload"),
]

from django.urls import path

from hotich.registers import views

urlpatterns = [
    path("so/", views.book_list, name="book_list"),
    path("so/<int:pk>/", views.book_detail, name="book_detail"),
    path("truong-hop/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("truong-hop/<int:pk>/trich-luc.pdf", views.entry_extract_download, name="entry_extract"),
    path("tim-kiem/", views.entry_search, name="entry_search"),
]

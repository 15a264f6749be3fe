from django.urls import path

from hotich.keying import views

# Work queue, entry forms, double keying (issue 5); the tracking list is in hotich/urls.py.
urlpatterns = [
    path("nhap/", views.work_queue, name="keying_queue"),
    path("nhap/so/<int:pk>/", views.book_queue, name="keying_book"),
    path("nhap/so/<int:pk>/moi/", views.entry_new, name="keying_new"),
    path("nhap/so/<int:pk>/kiem-tra/", views.form_check, name="keying_check"),
    path("nhap/so/<int:pk>/nhap-hai-lan/", views.policy_set, name="keying_policy"),
    path("nhap/so/<int:pk>/gia-tri-thuong-dung/", views.book_usual_set, name="keying_usual"),
    path("nhap/truong-hop/<int:pk>/", views.entry_edit, name="keying_edit"),
    path("nhap/truong-hop/<int:pk>/de-sau/", views.entry_set_aside, name="keying_aside"),
    path("nhap/truong-hop/<int:pk>/nhap-lan-hai/", views.second_keying, name="keying_second"),
    path("nhap/truong-hop/<int:pk>/phan-xu/", views.arbitrate, name="keying_arbitrate"),
    path("nhap/chat-luong/", views.quality, name="keying_quality"),
]

from django.urls import path

from hotich.registry import views

urlpatterns = [
    path("cong-dan/<str:personal_id>/", views.citizen_detail, name="citizen_detail"),
]

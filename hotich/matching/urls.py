from django.urls import path

from hotich.matching import views

urlpatterns = [
    path("tra-cuu/", views.registry_lookup, name="registry_lookup"),
]

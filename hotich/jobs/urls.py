from django.urls import path

from hotich.jobs import views

urlpatterns = [
    path("tac-vu/", views.job_list, name="job_list"),
    path("tac-vu/<uuid:pk>/tai-ve/", views.job_download, name="job_download"),
]

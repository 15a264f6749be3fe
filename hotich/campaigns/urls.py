from django.urls import path

from hotich.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("tien-do/", views.progress_index, name="progress_index"),
    path("tien-do/<int:pk>/", views.dashboard, name="dashboard"),
    path("tien-do/<int:pk>/bang/<slug:key>/", views.dashboard_table, name="dashboard_table"),
    path("tien-do/<int:pk>/bang/<slug:key>.xlsx", views.dashboard_export, name="dashboard_export"),
    path("tien-do/<int:pk>/cap-nhat/", views.dashboard_refresh, name="dashboard_refresh"),
    path("kiem-ke/<int:pk>/", views.inventory, name="inventory"),
    path("kiem-ke/<int:pk>/bang/<slug:key>.xlsx", views.inventory_export, name="inventory_export"),
    path("kiem-ke/so/<int:pk>/", views.inventory_book_edit, name="inventory_book_edit"),
    path("ke-hoach/", views.campaign_list, name="campaign_list"),
    path("ke-hoach/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("ke-hoach/<int:pk>/bang/<slug:key>/", views.campaign_table, name="campaign_table"),
    path("ke-hoach/<int:pk>/bang/<slug:key>.xlsx", views.campaign_export, name="campaign_export"),
    path("ke-hoach/<int:pk>/chi-tieu/", views.campaign_target, name="campaign_target"),
    path("ke-hoach/<int:pk>/ca/", views.campaign_shift, name="campaign_shift"),
    path(
        "ke-hoach/<int:pk>/nhap-hai-lan/",
        views.campaign_double_keying,
        name="campaign_double_keying",
    ),
    path("ke-hoach/<int:pk>/to/", views.campaign_team, name="campaign_team"),
    path("to/<int:pk>/", views.team_detail, name="team_detail"),
    path("to/<int:pk>/thanh-vien/", views.team_member, name="team_member"),
    path("to/<int:pk>/so/", views.team_books, name="team_books"),
    path("bao-cao/", views.report_list, name="report_list"),
    path("bao-cao/<int:pk>/", views.report_edit, name="report_edit"),
    path("bao-cao/<int:pk>/bao-cao.docx", views.report_word, name="report_word"),
    path("bao-cao/<int:pk>/phu-luc.xlsx", views.report_appendix, name="report_appendix"),
    path("bao-cao/<int:pk>/gui/", views.report_submit, name="report_submit"),
]

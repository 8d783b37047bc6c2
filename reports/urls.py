from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("reports/", views.report_list, name="list"),
    path("reports/<int:pk>/", views.report_detail, name="detail"),
    path("api/reports/<int:pk>/", views.report_json, name="api_detail"),
    path("regions/children/", views.region_children, name="region_children"),
]

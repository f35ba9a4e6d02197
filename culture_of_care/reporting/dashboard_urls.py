from django.urls import path

from culture_of_care.reporting import dashboard_views as views

app_name = "dashboards"
EXPORT = "export/<str:table>.<str:fmt>"
urlpatterns = [
    path("", views.national, name="national"),
    path(EXPORT, views.national_export, name="national_export"),
    path("regions/<str:code>/", views.region, name="region"),
    path(f"regions/<str:code>/{EXPORT}", views.region_export, name="region_export"),
    path("organisations/<ods:ods_code>/", views.organisation, name="organisation"),
    path(
        f"organisations/<ods:ods_code>/{EXPORT}",
        views.organisation_export,
        name="organisation_export",
    ),
    path("wards/<id:pk>/", views.ward, name="ward"),
    path(f"wards/<id:pk>/{EXPORT}", views.ward_export, name="ward_export"),
    path("wards/<id:pk>/targets/<id:measure_id>/", views.ward_target, name="ward_target"),
]

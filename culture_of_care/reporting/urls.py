from django.urls import path

from culture_of_care.reporting import views

app_name = "reporting"
urlpatterns = [
    path("programme/", views.programme_summary, name="programme_summary"),
    path("programme/measure/<id:measure_id>/", views.programme_chart, name="programme_chart"),
]

from django.urls import path

from wards import views

app_name = "wards"
urlpatterns = [
    path("", views.ward_list, name="list"),
    path("<id:pk>/", views.ward_detail, name="detail"),
]

from django.urls import path

from culture_of_care.history import views

app_name = "history"

urlpatterns = [
    path("<slug:kind>/<id:pk>/", views.object_history, name="object"),
]

from django.urls import path

from culture_of_care.notifications import views

app_name = "notifications"

urlpatterns = [
    path("what-needs-you/", views.what_needs_you, name="list"),
    path("what-needs-you/count/", views.count, name="count"),
    path("what-needs-you/mark/", views.mark, name="mark"),
    path("reminders/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

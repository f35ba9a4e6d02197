from django.urls import path

from coaching import views

app_name = "coaching"
urlpatterns = [
    path("", views.index, name="index"),
    path("caseload/", views.caseload, name="caseload"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/rhythm/", views.rhythm, name="rhythm"),
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/export.csv", views.session_export, name="session_export"),
    path("sessions/new/", views.session_new, name="session_new"),
    path("sessions/autosave/", views.session_autosave, name="session_autosave"),
    path("sessions/<id:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<id:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<id:pk>/discard/", views.session_discard, name="session_discard"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/<id:pk>/status/", views.action_status, name="action_status"),
    path("executives/", views.executive_list, name="executive_list"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]

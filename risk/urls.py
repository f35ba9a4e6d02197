from django.urls import path

from risk import views

app_name = "risk"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("participation/", views.participation_list, name="participation_list"),
    path("participation/<ods:ods_code>/", views.participation_edit, name="participation_edit"),
    path("milestones/", views.milestone_definitions, name="milestone_definitions"),
    path("milestones/new/", views.milestone_definition_edit, name="milestone_definition_new"),
    path(
        "milestones/<id:pk>/",
        views.milestone_definition_edit,
        name="milestone_definition_edit",
    ),
    path("practice/", views.practice_list, name="practice_list"),
    path("practice/<id:pk>/", views.practice_detail, name="practice_detail"),
    path("practice/<id:pk>/edit/", views.practice_edit, name="practice_edit"),
    path("<ods:ods_code>/", views.organisation, name="organisation"),
    path("<ods:ods_code>/self-assessment/", views.self_assessment, name="self_assessment"),
    path("<ods:ods_code>/milestones/", views.milestones, name="milestones"),
    path("<ods:ods_code>/milestones/<slug:code>/", views.milestone_edit, name="milestone_edit"),
    path("<ods:ods_code>/audits/", views.audits, name="audits"),
    path("<ods:ods_code>/audits/new/", views.audit_new, name="audit_new"),
    path("<ods:ods_code>/practice/new/", views.practice_new, name="practice_new"),
]

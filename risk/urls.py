from django.urls import path

from risk import views

app_name = "risk"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("participation/", views.participation_list, name="participation_list"),
    path("participation/<str:ods_code>/", views.participation_edit, name="participation_edit"),
    path("milestones/", views.milestone_definitions, name="milestone_definitions"),
    path("milestones/new/", views.milestone_definition_edit, name="milestone_definition_new"),
    path(
        "milestones/<int:pk>/",
        views.milestone_definition_edit,
        name="milestone_definition_edit",
    ),
    path("practice/", views.practice_list, name="practice_list"),
    path("practice/<int:pk>/", views.practice_detail, name="practice_detail"),
    path("practice/<int:pk>/edit/", views.practice_edit, name="practice_edit"),
    path("<str:ods_code>/", views.organisation, name="organisation"),
    path("<str:ods_code>/self-assessment/", views.self_assessment, name="self_assessment"),
    path("<str:ods_code>/milestones/", views.milestones, name="milestones"),
    path("<str:ods_code>/milestones/<slug:code>/", views.milestone_edit, name="milestone_edit"),
    path("<str:ods_code>/audits/", views.audits, name="audits"),
    path("<str:ods_code>/audits/new/", views.audit_new, name="audit_new"),
    path("<str:ods_code>/practice/new/", views.practice_new, name="practice_new"),
]

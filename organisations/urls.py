from django.urls import path

from organisations import barrier_views, import_views, people_views, views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    # Onboarding import: before the <ods_code> patterns, which would otherwise match "import".
    path("import/", import_views.import_upload, name="import"),
    path("import/check/", import_views.import_review, name="import_review"),
    path("import/commit/", import_views.import_commit, name="import_commit"),
    path("import/done/", import_views.import_done, name="import_done"),
    path("import/template.xlsx", import_views.import_template, name="import_template"),
    path("barriers/themes/", barrier_views.barrier_themes, name="barrier_themes"),
    path("<ods:ods_code>/", views.organisation_detail, name="detail"),
    path("<ods:ods_code>/invite/", views.invite_ward_member, name="invite"),
    path("<ods:ods_code>/people/", people_views.people_list, name="people"),
    path("<ods:ods_code>/people/<id:user_id>/", people_views.person_detail, name="person"),
    path(
        "<ods:ods_code>/people/<id:user_id>/invitation/",
        people_views.person_invitation,
        name="person_invitation",
    ),
    path(
        "<ods:ods_code>/people/<id:user_id>/deactivate/",
        people_views.person_deactivate,
        name="person_deactivate",
    ),
    path("<ods:ods_code>/barriers/", barrier_views.barrier_queue, name="barrier_queue"),
    path("<ods:ods_code>/barriers/board/", barrier_views.board_list, name="barrier_board"),
    path(
        "<ods:ods_code>/barriers/raise/<id:ward_pk>/",
        barrier_views.barrier_raise,
        name="barrier_raise",
    ),
    path("<ods:ods_code>/barriers/<id:pk>/", barrier_views.barrier_detail, name="barrier_detail"),
    path(
        "<ods:ods_code>/barriers/<id:pk>/<slug:action>/",
        barrier_views.barrier_action,
        name="barrier_action",
    ),
]

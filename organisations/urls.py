from django.urls import path

from organisations import import_views, views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    # Onboarding import: before the <ods_code> patterns, which would otherwise match "import".
    path("import/", import_views.import_upload, name="import"),
    path("import/check/", import_views.import_review, name="import_review"),
    path("import/commit/", import_views.import_commit, name="import_commit"),
    path("import/done/", import_views.import_done, name="import_done"),
    path("import/template.xlsx", import_views.import_template, name="import_template"),
    path("<ods:ods_code>/", views.organisation_detail, name="detail"),
    path("<ods:ods_code>/invite/", views.invite_ward_member, name="invite"),
]

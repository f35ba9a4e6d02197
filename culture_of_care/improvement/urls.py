"""QI method pages: change theories, projects, change ideas, PDSA cycles, progress scores,
data entry and the learning library. (Charts live in charts/urls.py.)"""

from django.urls import path

from culture_of_care.improvement.views import cycles, data, library, projects, scores, theories

app_name = "improvement"
urlpatterns = [
    path("theories/", theories.theory_list, name="theories"),
    path("theories/<id:pk>/", theories.theory_detail, name="theory"),
    path("theories/<id:pk>/new-version/", theories.theory_new_version, name="theory_new_version"),
    path("theories/<id:pk>/publish/", theories.theory_publish, name="theory_publish"),
    path("theories/<id:pk>/nodes/add/", theories.node_edit, name="node_add"),
    path("theories/<id:pk>/nodes/<id:node_pk>/", theories.node_edit, name="node_edit"),
    path("theories/<id:pk>/nodes/<id:node_pk>/remove/", theories.node_delete, name="node_delete"),
    path("wards/<id:ward_pk>/", projects.ward_project, name="ward_project"),
    path("wards/<id:ward_pk>/data/", data.ward_data, name="ward_data"),
    path("wards/<id:ward_pk>/data/month/", data.ward_data_month, name="ward_data_month"),
    path(
        "organisations/<ods:ods_code>/", projects.organisation_project, name="organisation_project"
    ),
    path("organisations/<ods:ods_code>/upload/", data.organisation_upload, name="upload"),
    path(
        "organisations/<ods:ods_code>/upload/template.<str:kind>",
        data.upload_template,
        name="upload_template",
    ),
    path("projects/<id:pk>/", projects.project_detail, name="project"),
    path("projects/<id:pk>/edit/", projects.project_edit, name="project_edit"),
    path("projects/<id:pk>/measures/add/", projects.measure_add, name="measure_add"),
    path("projects/<id:pk>/change-ideas/add/", projects.change_idea_add, name="change_idea_add"),
    path("projects/<id:pk>/cycles/", cycles.project_cycles, name="cycles"),
    path("projects/<id:pk>/scores/", scores.project_scores, name="scores"),
    path("projects/<id:pk>/data/", data.data_grid, name="data"),
    path("projects/<id:pk>/data/month/", data.data_month, name="data_month"),
    path(
        "projects/<id:pk>/data/<id:measure_pk>/<str:period>/",
        data.data_groups,
        name="data_groups",
    ),
    path("change-ideas/<id:pk>/", projects.change_idea_detail, name="change_idea"),
    path("change-ideas/<id:pk>/status/", projects.change_idea_status, name="change_idea_status"),
    path("change-ideas/<id:pk>/cycles/add/", cycles.cycle_add, name="cycle_add"),
    path("cycles/<id:pk>/", cycles.cycle_detail, name="cycle"),
    path("cycles/<id:pk>/start/", cycles.cycle_start, name="cycle_start"),
    path("cycles/<id:pk>/act/", cycles.cycle_act, name="cycle_act"),
    path("cycles/<id:pk>/share/", cycles.cycle_share, name="cycle_share"),
    path("cycles/<id:pk>/<str:stage>/", cycles.cycle_stage, name="cycle_stage"),
    path("library/", library.library, name="library"),
    path("library/<id:pk>/", library.library_detail, name="library_cycle"),
    path("library/<id:pk>/start/", library.library_start, name="library_start"),
]

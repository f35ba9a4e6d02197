"""QI method pages: change theories, projects, change ideas, PDSA cycles, progress scores,
data entry and the learning library. (Charts live in charts/urls.py.)"""

from django.urls import path

from culture_of_care.improvement.views import cycles, data, library, projects, scores, theories

app_name = "improvement"
urlpatterns = [
    path("theories/", theories.theory_list, name="theories"),
    path("theories/<int:pk>/", theories.theory_detail, name="theory"),
    path("theories/<int:pk>/new-version/", theories.theory_new_version, name="theory_new_version"),
    path("theories/<int:pk>/publish/", theories.theory_publish, name="theory_publish"),
    path("theories/<int:pk>/nodes/add/", theories.node_edit, name="node_add"),
    path("theories/<int:pk>/nodes/<int:node_pk>/", theories.node_edit, name="node_edit"),
    path("theories/<int:pk>/nodes/<int:node_pk>/remove/", theories.node_delete, name="node_delete"),
    path("wards/<int:ward_pk>/", projects.ward_project, name="ward_project"),
    path("wards/<int:ward_pk>/data/", data.ward_data, name="ward_data"),
    path(
        "organisations/<str:ods_code>/", projects.organisation_project, name="organisation_project"
    ),
    path("organisations/<str:ods_code>/upload/", data.organisation_upload, name="upload"),
    path("projects/<int:pk>/", projects.project_detail, name="project"),
    path("projects/<int:pk>/edit/", projects.project_edit, name="project_edit"),
    path("projects/<int:pk>/measures/add/", projects.measure_add, name="measure_add"),
    path("projects/<int:pk>/change-ideas/add/", projects.change_idea_add, name="change_idea_add"),
    path("projects/<int:pk>/cycles/", cycles.project_cycles, name="cycles"),
    path("projects/<int:pk>/scores/", scores.project_scores, name="scores"),
    path("projects/<int:pk>/data/", data.data_grid, name="data"),
    path(
        "projects/<int:pk>/data/<int:measure_pk>/<str:period>/",
        data.data_groups,
        name="data_groups",
    ),
    path("change-ideas/<int:pk>/", projects.change_idea_detail, name="change_idea"),
    path("change-ideas/<int:pk>/status/", projects.change_idea_status, name="change_idea_status"),
    path("change-ideas/<int:pk>/cycles/add/", cycles.cycle_add, name="cycle_add"),
    path("cycles/<int:pk>/", cycles.cycle_detail, name="cycle"),
    path("cycles/<int:pk>/start/", cycles.cycle_start, name="cycle_start"),
    path("cycles/<int:pk>/act/", cycles.cycle_act, name="cycle_act"),
    path("cycles/<int:pk>/share/", cycles.cycle_share, name="cycle_share"),
    path("cycles/<int:pk>/<str:stage>/", cycles.cycle_stage, name="cycle_stage"),
    path("library/", library.library, name="library"),
    path("library/<int:pk>/", library.library_detail, name="library_cycle"),
    path("library/<int:pk>/start/", library.library_start, name="library_start"),
]

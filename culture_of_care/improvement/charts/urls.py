"""SPC chart pages: one measure's chart, MDC summary tables, signals to review.

Every ward page has its organisation twin (the sum of its wards), keyed by ODS code.
"""

from django.urls import path

from culture_of_care.improvement.charts import views

app_name = "charts"

WARD = {"kind": "ward"}
ORG = {"kind": "organisation"}

urlpatterns = [
    path("signals/", views.my_signals, name="my_signals"),
    path("signals/<id:pk>/review/", views.signal_review, name="signal_review"),
    # One ward.
    path("ward/<id:key>/", views.summary, WARD, name="ward_summary"),
    path("ward/<id:key>/signals/", views.signals, WARD, name="ward_signals"),
    path("ward/<id:key>/measure/<id:measure_id>/", views.chart, WARD, name="ward_chart"),
    path(
        "ward/<id:key>/measure/<id:measure_id>/rebase/",
        views.rebase,
        WARD,
        name="ward_rebase",
    ),
    path(
        "ward/<id:key>/measure/<id:measure_id>/rebase/<id:pk>/remove/",
        views.rebase_remove,
        WARD,
        name="ward_rebase_remove",
    ),
    path(
        "ward/<id:key>/measure/<id:measure_id>/settings/",
        views.chart_settings,
        WARD,
        name="ward_settings",
    ),
    path("ward/<id:key>/measure/<id:measure_id>/note/", views.note, WARD, name="ward_note"),
    # One organisation: all its wards summed.
    path("organisation/<ods:key>/", views.summary, ORG, name="organisation_summary"),
    path("organisation/<ods:key>/signals/", views.signals, ORG, name="organisation_signals"),
    path(
        "organisation/<ods:key>/measure/<id:measure_id>/",
        views.chart,
        ORG,
        name="organisation_chart",
    ),
    path(
        "organisation/<ods:key>/measure/<id:measure_id>/rebase/",
        views.rebase,
        ORG,
        name="organisation_rebase",
    ),
    path(
        "organisation/<ods:key>/measure/<id:measure_id>/rebase/<id:pk>/remove/",
        views.rebase_remove,
        ORG,
        name="organisation_rebase_remove",
    ),
    path(
        "organisation/<ods:key>/measure/<id:measure_id>/settings/",
        views.chart_settings,
        ORG,
        name="organisation_settings",
    ),
    path(
        "organisation/<ods:key>/measure/<id:measure_id>/note/",
        views.note,
        ORG,
        name="organisation_note",
    ),
]

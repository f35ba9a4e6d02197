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
    path("signals/<int:pk>/review/", views.signal_review, name="signal_review"),
    # One ward.
    path("ward/<int:key>/", views.summary, WARD, name="ward_summary"),
    path("ward/<int:key>/signals/", views.signals, WARD, name="ward_signals"),
    path("ward/<int:key>/measure/<int:measure_id>/", views.chart, WARD, name="ward_chart"),
    path(
        "ward/<int:key>/measure/<int:measure_id>/rebase/",
        views.rebase,
        WARD,
        name="ward_rebase",
    ),
    path(
        "ward/<int:key>/measure/<int:measure_id>/rebase/<int:pk>/remove/",
        views.rebase_remove,
        WARD,
        name="ward_rebase_remove",
    ),
    path(
        "ward/<int:key>/measure/<int:measure_id>/settings/",
        views.chart_settings,
        WARD,
        name="ward_settings",
    ),
    path("ward/<int:key>/measure/<int:measure_id>/note/", views.note, WARD, name="ward_note"),
    # One organisation: all its wards summed.
    path("organisation/<str:key>/", views.summary, ORG, name="organisation_summary"),
    path("organisation/<str:key>/signals/", views.signals, ORG, name="organisation_signals"),
    path(
        "organisation/<str:key>/measure/<int:measure_id>/",
        views.chart,
        ORG,
        name="organisation_chart",
    ),
    path(
        "organisation/<str:key>/measure/<int:measure_id>/rebase/",
        views.rebase,
        ORG,
        name="organisation_rebase",
    ),
    path(
        "organisation/<str:key>/measure/<int:measure_id>/rebase/<int:pk>/remove/",
        views.rebase_remove,
        ORG,
        name="organisation_rebase_remove",
    ),
    path(
        "organisation/<str:key>/measure/<int:measure_id>/settings/",
        views.chart_settings,
        ORG,
        name="organisation_settings",
    ),
    path(
        "organisation/<str:key>/measure/<int:measure_id>/note/",
        views.note,
        ORG,
        name="organisation_note",
    ),
]

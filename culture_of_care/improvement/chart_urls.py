"""SPC chart pages: one measure's chart, MDC summary tables, signals to review."""

from django.urls import path

from culture_of_care.improvement import views_charts as views

app_name = "charts"

WARD = {"kind": "ward"}
ORG = {"kind": "organisation"}

urlpatterns = [
    path("signals/", views.my_signals, name="my_signals"),
    path("signals/<int:pk>/review/", views.signal_review, name="signal_review"),
]

for prefix, converter, extra in (("ward", "int", WARD), ("organisation", "str", ORG)):
    base = f"{prefix}/<{converter}:key>/"
    measure = f"{base}measure/<int:measure_id>/"
    urlpatterns += [
        path(base, views.summary, extra, name=f"{prefix}_summary"),
        path(f"{base}signals/", views.signals, extra, name=f"{prefix}_signals"),
        path(measure, views.chart, extra, name=f"{prefix}_chart"),
        path(f"{measure}rebase/", views.rebase, extra, name=f"{prefix}_rebase"),
        path(
            f"{measure}rebase/<int:pk>/remove/",
            views.rebase_remove,
            extra,
            name=f"{prefix}_rebase_remove",
        ),
        path(f"{measure}settings/", views.chart_settings, extra, name=f"{prefix}_settings"),
        path(f"{measure}note/", views.note, extra, name=f"{prefix}_note"),
    ]

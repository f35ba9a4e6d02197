from django.urls import path

from culture_of_care.reporting import views
from culture_of_care.reporting.board import views as board_views
from culture_of_care.reporting.chart_files import views as chart_file_views
from culture_of_care.reporting.equity import views as equity_views

app_name = "reporting"
urlpatterns = [
    path("programme/", views.programme_summary, name="programme_summary"),
    path("programme/measure/<id:measure_id>/", views.programme_chart, name="programme_chart"),
    path("equity/", equity_views.equity, name="equity"),
    path("equity/equity.csv", equity_views.equity_csv, name="equity_csv"),
    path("equity/region/<str:code>/", equity_views.equity_region, name="equity_region"),
    path(
        "equity/region/<str:key>/equity.csv",
        equity_views.equity_csv,
        {"level": "region"},
        name="equity_region_csv",
    ),
    path(
        "equity/organisation/<ods:ods_code>/",
        equity_views.equity_organisation,
        name="equity_organisation",
    ),
    path(
        "equity/organisation/<ods:key>/equity.csv",
        equity_views.equity_csv,
        {"level": "organisation"},
        name="equity_organisation_csv",
    ),
    path("equity/ward/<id:pk>/", equity_views.equity_ward, name="equity_ward"),
    path(
        "equity/ward/<id:key>/equity.csv",
        equity_views.equity_csv,
        {"level": "ward"},
        name="equity_ward_csv",
    ),
    path(
        "chart-files/<str:kind>/<str:key>/<id:measure_id>.<str:fmt>",
        chart_file_views.chart_file,
        name="chart_file",
    ),
    path("board-reports/", board_views.board_reports, name="board_reports"),
    path(
        "board-reports/<id:pk>/status/",
        board_views.board_report_status,
        name="board_report_status",
    ),
    path(
        "board-reports/<id:pk>/<str:fmt>/",
        board_views.board_report_download,
        name="board_report_download",
    ),
]

from django.urls import path

from culture_of_care.reporting import views
from culture_of_care.reporting.board import views as board_views

app_name = "reporting"
urlpatterns = [
    path("programme/", views.programme_summary, name="programme_summary"),
    path("programme/measure/<int:measure_id>/", views.programme_chart, name="programme_chart"),
    path("board-reports/", board_views.board_reports, name="board_reports"),
    path(
        "board-reports/<int:pk>/status/",
        board_views.board_report_status,
        name="board_report_status",
    ),
    path(
        "board-reports/<int:pk>/<str:fmt>/",
        board_views.board_report_download,
        name="board_report_download",
    ),
]

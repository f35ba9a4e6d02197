"""SPC chart pages: one measure's chart, MDC summary tables, signals to review."""

app_name = "charts"
urlpatterns: list = []

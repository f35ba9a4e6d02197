from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from culture_of_care import security, views
from culture_of_care.accounts import views as account_views
from culture_of_care.api_urls import urlpatterns as api_v1
from culture_of_care.health import HealthView
from culture_of_care.identifiers import IdConverter, OdsCodeConverter

# Identifiers in paths: <id:pk> for database ids, <ods:ods_code> for organisations.
register_converter(IdConverter, "id")
register_converter(OdsCodeConverter, "ods")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", HealthView.as_view(), name="healthz"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("account/", account_views.account, name="account"),
    path("", include("culture_of_care.notifications.urls")),
    path("accounts/", include("culture_of_care.accounts.urls")),
    path("accounts/tokens/", include("culture_of_care.tokens.urls")),
    path("accounts/session/keepalive/", security.session_keepalive, name="session_keepalive"),
    path("accounts/", include("allauth.urls")),
    path("organisations/", include("organisations.urls")),
    path("wards/", include("wards.urls")),
    path("improvement/", include("culture_of_care.improvement.urls")),
    path("charts/", include("culture_of_care.improvement.charts.urls")),
    path("reporting/", include("culture_of_care.reporting.urls")),
    path("dashboards/", include("culture_of_care.reporting.dashboard_urls")),
    path("coaching/", include("coaching.urls")),
    path("risk/", include("risk.urls")),
    path("history/", include("culture_of_care.history.urls")),  # history (issue 16 item 2)
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The docs page loads its start-up script from a second request (?script), never inline, so
    # the Content-Security-Policy holds; a signed-out visitor is sent to sign in first.
    path(
        "api/docs/",
        login_required(
            SpectacularSwaggerSplitView.as_view(
                url_name="api-schema", template_name="api/swagger_ui.html"
            )
        ),
        name="api-docs",
    ),
    path("django-admin/", admin.site.urls),
]

handler400 = "culture_of_care.errors.bad_request"
handler404 = "culture_of_care.errors.not_found"

"""The application's URLs plus the benchmark's ceiling page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from culture_of_care.urls import urlpatterns as app_urlpatterns


@login_required
def ceiling(request: HttpRequest) -> HttpResponse:
    """As little as a signed-in page can do: the framework's own ceiling."""
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urlpatterns = [path("bench/ceiling/", ceiling, name="bench_ceiling"), *app_urlpatterns]

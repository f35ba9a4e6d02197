"""The REST API, /api/v1/: every app registers its viewsets on the one router here."""

from rest_framework.routers import DefaultRouter

from organisations.api import OrganisationViewSet
from wards.api import WardViewSet

router = DefaultRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("wards", WardViewSet, basename="ward")

urlpatterns = router.urls

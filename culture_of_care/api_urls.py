"""The REST API, /api/v1/: every app registers its viewsets on the one router here."""

from rest_framework.routers import DefaultRouter

from coaching.api import ActionViewSet, CoachingSessionViewSet
from organisations.api import OrganisationViewSet
from wards.api import WardViewSet

router = DefaultRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("wards", WardViewSet, basename="ward")

router.register("coaching/sessions", CoachingSessionViewSet, basename="coaching-session")
router.register("coaching/actions", ActionViewSet, basename="coaching-action")

urlpatterns = router.urls

"""The REST API, /api/v1/: every app registers its viewsets on the one router here."""

from rest_framework.routers import DefaultRouter

from coaching.api import ActionViewSet, CoachingSessionViewSet
from culture_of_care.improvement.api import (
    ChangeIdeaViewSet,
    DataPointViewSet,
    MeasureViewSet,
    PDSACycleViewSet,
    ProjectViewSet,
)
from organisations.api import BarrierViewSet, OrganisationViewSet
from risk.api import (
    CareRecordAuditViewSet,
    MilestoneViewSet,
    RiskParticipationViewSet,
    SelfAssessmentViewSet,
)
from wards.api import WardViewSet

router = DefaultRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("wards", WardViewSet, basename="ward")
router.register("barriers", BarrierViewSet, basename="barrier")
router.register("projects", ProjectViewSet, basename="project")
router.register("change-ideas", ChangeIdeaViewSet, basename="change-idea")
router.register("pdsa-cycles", PDSACycleViewSet, basename="pdsa-cycle")
router.register("measures", MeasureViewSet, basename="measure")
router.register("data-points", DataPointViewSet, basename="data-point")

router.register("coaching/sessions", CoachingSessionViewSet, basename="coaching-session")
router.register("coaching/actions", ActionViewSet, basename="coaching-action")
router.register("risk/participations", RiskParticipationViewSet, basename="risk-participation")
router.register("risk/self-assessments", SelfAssessmentViewSet, basename="risk-self-assessment")
router.register("risk/milestones", MilestoneViewSet, basename="risk-milestone")
router.register("risk/audits", CareRecordAuditViewSet, basename="risk-audit")

urlpatterns = router.urls

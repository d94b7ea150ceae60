from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from ..activities import api as activities_api
from ..complaints import api as complaints_api
from ..contracts import api as contracts_api
from ..enquiries import api as enquiries_api
from ..incidents import api as incidents_api
from ..insurance import api as insurance_api
from ..notices import api as notices_api
from ..registry import api as registry_api
from ..specialservices import api as specialservices_api
from ..surveys import api as surveys_api
from ..visits import api as visits_api
from ..workorders import api as workorders_api
from .figures import ComplaintFiguresView, WorkOrderFiguresView
from .notifications import NotificationViewSet
from .views import LogoutView, MeView, TokenView

router = DefaultRouter()
router.register("communities", registry_api.CommunityViewSet, basename="community")
router.register("buildings", registry_api.BuildingViewSet, basename="building")
router.register("units", registry_api.UnitViewSet, basename="unit")
router.register("residents", registry_api.ResidentViewSet, basename="resident")
router.register("occupancies", registry_api.OccupancyViewSet, basename="occupancy")
router.register("teams", workorders_api.TeamViewSet, basename="team")
router.register("work-order-categories", workorders_api.WorkOrderCategoryViewSet,
                basename="work-order-category")
router.register("work-orders", workorders_api.WorkOrderViewSet, basename="work-order")
router.register("complaints", complaints_api.ComplaintViewSet, basename="complaint")
router.register("enquiries", enquiries_api.EnquiryViewSet, basename="enquiry")
router.register("contracts", contracts_api.ContractViewSet, basename="contract")
router.register("insurance-policies", insurance_api.InsurancePolicyViewSet,
                basename="insurance-policy")
router.register("claims", insurance_api.ClaimViewSet, basename="claim")
router.register("incidents", incidents_api.IncidentViewSet, basename="incident")
router.register("notices", notices_api.NoticeViewSet, basename="notice")
router.register("visits", visits_api.VisitViewSet, basename="visit")
router.register("surveys", surveys_api.SurveyViewSet, basename="survey")
router.register("survey-responses", surveys_api.SurveyResponseViewSet,
                basename="survey-response")
router.register("activities", activities_api.ActivityViewSet, basename="activity")
router.register("activity-signups", activities_api.ActivitySignupViewSet,
                basename="activity-signup")
router.register("special-services", specialservices_api.SpecialServiceViewSet,
                basename="special-service")
router.register("special-service-orders", specialservices_api.SpecialServiceOrderViewSet,
                basename="special-service-order")
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path("v1/auth/token/", TokenView.as_view(), name="api-token"),
    path("v1/auth/logout/", LogoutView.as_view(), name="api-logout"),
    path("v1/me/", MeView.as_view(), name="api-me"),
    path("v1/figures/work-orders/", WorkOrderFiguresView.as_view(),
         name="api-figures-work-orders"),
    path("v1/figures/complaints/", ComplaintFiguresView.as_view(), name="api-figures-complaints"),
    path("v1/figures/activities/", activities_api.ActivityFiguresView.as_view(),
         name="api-figures-activities"),
    path("v1/figures/special-services/", specialservices_api.SpecialServiceFiguresView.as_view(),
         name="api-figures-special-services"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema", permission_classes=[AllowAny]),
         name="api-docs"),
]

from rest_framework.routers import SimpleRouter

from congvu.organizations.api import views

router = SimpleRouter()
router.register("units", views.UnitViewSet, basename="unit")
router.register("officials", views.OfficialViewSet, basename="official")
router.register("delegations", views.DelegationViewSet, basename="delegation")

urlpatterns = router.urls

from rest_framework.routers import SimpleRouter

from congvu.procedures.api import views

router = SimpleRouter()
router.register("procedures", views.ProcedureViewSet, basename="procedure")

urlpatterns = router.urls

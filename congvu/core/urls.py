from django.urls import path

from congvu.core import views

app_name = "core"

# The home page is the portal's (congvu.portal.views.home, "portal:home").
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("healthz/ready", views.healthz_ready, name="healthz-ready"),
]

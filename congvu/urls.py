from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

api_v1: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    # The busiest operation, the public dossier lookup, is matched first.
    path("", include("congvu.dossiers.api.urls")),
    path("", include("congvu.accounts.api.urls")),
    path("", include("congvu.organizations.api.urls")),
    path("", include("congvu.calendars.api.urls")),
    path("", include("congvu.directives.api.urls")),
    path("", include("congvu.procedures.api.urls")),
    path("", include("congvu.indices.api.urls")),
    path("", include("congvu.assessments.api.urls")),
    path("", include("congvu.evaluations.api.urls")),
    path("", include("congvu.portal.api.urls")),
]

urlpatterns: list[URLPattern | URLResolver] = [
    # The API first: its public lookup is the busiest request, and no page lives under api/.
    path("api/v1/", include(api_v1)),
    path("", include("congvu.core.urls")),
    path("accounts/", include("congvu.accounts.urls")),
    path("directory/", include("congvu.organizations.urls")),
    path("calendar/", include("congvu.calendars.urls")),
    path("procedures/", include("congvu.procedures.urls")),
    path("dossiers/", include("congvu.dossiers.urls")),
    path("tasks/", include("congvu.directives.urls")),
    path("indices/", include("congvu.indices.urls")),
    path("assessments/", include("congvu.assessments.urls")),
    path("evaluations/", include("congvu.evaluations.urls")),
    path("", include("congvu.portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

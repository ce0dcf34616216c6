"""The application's URLs plus a trivial view: the floor the HTTP benchmark measures against."""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from congvu.urls import urlpatterns as application


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns: list[URLPattern | URLResolver] = [path("bench/trivial/", trivial), *application]

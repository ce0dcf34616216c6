from django.urls import URLPattern, URLResolver

app_name = "assessments"

urlpatterns: list[URLPattern | URLResolver] = []

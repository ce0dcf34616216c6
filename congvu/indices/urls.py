from django.urls import URLPattern, URLResolver

app_name = "indices"

urlpatterns: list[URLPattern | URLResolver] = []

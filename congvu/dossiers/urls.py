from django.urls import path

from congvu.dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("lookup/", views.lookup, name="lookup"),
]

from django.urls import path

from congvu.procedures import views

app_name = "procedures"

urlpatterns = [
    path("", views.procedure_list, name="list"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/export.<str:format>", views.catalogue_download, name="catalogue_export"),
    path("<str:code>/", views.procedure_detail, name="detail"),
]

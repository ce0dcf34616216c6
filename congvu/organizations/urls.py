from django.urls import path

from congvu.organizations import views

app_name = "organizations"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
]

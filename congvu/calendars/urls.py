from django.urls import path

from congvu.calendars import views

app_name = "calendars"

urlpatterns = [
    path("", views.year, name="year"),
    path("<int:year>/", views.year, name="year_detail"),
]

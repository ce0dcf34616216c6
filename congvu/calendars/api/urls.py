from django.urls import path

from congvu.calendars.api import views

urlpatterns = [
    path("calendar/appointment", views.AppointmentView.as_view(), name="calendar-appointment"),
    path("calendar/<int:year>/", views.NonWorkingDaysView.as_view(), name="calendar-year"),
]

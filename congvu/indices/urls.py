from django.urls import path

from congvu.indices import views

app_name = "indices"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/", views.dashboard_export, name="export"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("units/<int:pk>/export/", views.unit_export, name="unit_export"),
    path("units/<int:pk>/<slug:code>/", views.indicator, name="indicator"),
    path("figures/", views.figures, name="figures"),
    path("figures/<int:pk>/review/", views.figure_review, name="figure_review"),
    path("figures/<int:pk>/evidence/", views.figure_evidence, name="figure_evidence"),
]

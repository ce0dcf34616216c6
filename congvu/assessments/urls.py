from django.urls import path

from congvu.assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/act/<slug:action>/", views.round_act, name="round_act"),
    path("rounds/<int:pk>/import/", views.round_import, name="round_import"),
    path("rounds/<int:pk>/survey/", views.round_survey, name="round_survey"),
    path("rounds/<int:pk>/bands/", views.round_bands, name="round_bands"),
    path("rounds/<int:pk>/criteria.xlsx", views.round_tree_export, name="round_tree_export"),
    path("rounds/<int:pk>/results.xlsx", views.round_export, name="round_export"),
    path("units/<int:pk>/", views.assessment_detail, name="assessment"),
    path("units/<int:pk>/self/", views.assessment_self, name="assessment_self"),
    path("units/<int:pk>/submit/", views.assessment_submit, name="assessment_submit"),
    path("units/<int:pk>/appraise/", views.assessment_appraise, name="assessment_appraise"),
    path("units/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("results/<int:pk>/", views.results, name="results"),
    path("rankings/", views.rankings, name="rankings"),
    path("rankings/print/", views.rankings_print, name="rankings_print"),
    path("rankings/export/", views.rankings_export, name="rankings_export"),
    path("rankings/units/<int:pk>/", views.rankings_unit, name="rankings_unit"),
    path("rankings/units/<int:pk>/<slug:metric>/", views.rankings_rows, name="rankings_rows"),
]

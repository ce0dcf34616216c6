from django.urls import path

from congvu.assessments.api import views

urlpatterns = [
    path("assessment-rounds/", views.RoundListView.as_view(), name="assessment-round-list"),
    path(
        "assessment-rounds/<int:pk>/",
        views.RoundDetailView.as_view(),
        name="assessment-round-detail",
    ),
    path(
        "assessment-rounds/<int:pk>/actions/",
        views.RoundActionView.as_view(),
        name="assessment-round-actions",
    ),
    path(
        "assessment-rounds/<int:pk>/criteria-import/",
        views.RoundTreeImportView.as_view(),
        name="assessment-round-criteria-import",
    ),
    path(
        "assessment-rounds/<int:pk>/survey-import/",
        views.RoundSurveyImportView.as_view(),
        name="assessment-round-survey-import",
    ),
    path(
        "assessment-rounds/<int:pk>/units/",
        views.RoundAssessmentsView.as_view(),
        name="assessment-round-units",
    ),
    path(
        "unit-assessments/<int:pk>/",
        views.AssessmentDetailView.as_view(),
        name="unit-assessment-detail",
    ),
    path(
        "unit-assessments/<int:pk>/self-scores/",
        views.SelfScoreView.as_view(),
        name="unit-assessment-self-scores",
    ),
    path(
        "unit-assessments/<int:pk>/submit/",
        views.SubmitView.as_view(),
        name="unit-assessment-submit",
    ),
    path(
        "unit-assessments/<int:pk>/appraisals/",
        views.AppraiseView.as_view(),
        name="unit-assessment-appraisals",
    ),
    path(
        "unit-assessments/<int:pk>/evidence/",
        views.EvidenceView.as_view(),
        name="unit-assessment-evidence",
    ),
    path(
        "public/assessment-results/<int:pk>/",
        views.PublicResultsView.as_view(),
        name="assessment-public-results",
    ),
    path("assessment-rankings/", views.RankingsView.as_view(), name="assessment-rankings"),
]

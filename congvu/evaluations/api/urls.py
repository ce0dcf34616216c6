from django.urls import path

from congvu.evaluations.api import views

urlpatterns = [
    path("evaluation-rounds/", views.RoundListView.as_view(), name="evaluation-round-list"),
    path(
        "evaluation-rounds/<int:pk>/",
        views.RoundDetailView.as_view(),
        name="evaluation-round-detail",
    ),
    path(
        "evaluation-rounds/<int:pk>/actions/",
        views.RoundActionsView.as_view(),
        name="evaluation-round-actions",
    ),
    path(
        "evaluation-rounds/<int:pk>/results/",
        views.RoundResultsView.as_view(),
        name="evaluation-round-results",
    ),
    path(
        "evaluation-rounds/<int:pk>/quotas/",
        views.RoundQuotasView.as_view(),
        name="evaluation-round-quotas",
    ),
    path("evaluations/", views.EvaluationListView.as_view(), name="evaluation-list"),
    path("evaluations/<int:pk>/", views.EvaluationDetailView.as_view(), name="evaluation-detail"),
    path(
        "evaluations/<int:pk>/actions/",
        views.EvaluationActionsView.as_view(),
        name="evaluation-actions",
    ),
]

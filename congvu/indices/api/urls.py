from django.urls import path

from congvu.indices.api import views

urlpatterns = [
    path("indices/ranking/", views.RankingView.as_view(), name="indices-ranking"),
    path("indices/units/<int:pk>/", views.UnitIndexView.as_view(), name="indices-unit"),
    path(
        "indices/units/<int:pk>/indicators/<slug:code>/",
        views.IndicatorRowsView.as_view(),
        name="indices-indicator-rows",
    ),
    path("indices/figures/", views.FigureListView.as_view(), name="indices-figures"),
    path(
        "indices/figures/<int:pk>/review/",
        views.FigureReviewView.as_view(),
        name="indices-figure-review",
    ),
    path(
        "indices/configuration/<int:year>/",
        views.ConfigurationView.as_view(),
        name="indices-configuration",
    ),
]

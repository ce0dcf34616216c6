from django.urls import path

from congvu.portal.api import views

urlpatterns = [
    path("news/articles/", views.ArticleListView.as_view(), name="news-article-list"),
    path("news/articles/<int:pk>/", views.ArticleDetailView.as_view(), name="news-article-detail"),
    path(
        "news/articles/<int:pk>/actions/",
        views.ArticleActionsView.as_view(),
        name="news-article-actions",
    ),
    path("news/categories/", views.CategoryListView.as_view(), name="news-category-list"),
    path("portal/visitors/", views.VisitorStatsView.as_view(), name="portal-visitors"),
    path("portal/figures/", views.FiguresView.as_view(), name="portal-figures"),
]

from django.urls import path

from congvu.portal import feeds, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("news/", views.news, name="news"),
    path("news/rss.xml", feeds.rss, name="feed_rss"),
    path("news/atom.xml", feeds.atom, name="feed_atom"),
    path("news/category/<slug:slug>/", views.category, name="category"),
    path("news/tag/<slug:slug>/", views.tag, name="tag"),
    path("news/<slug:slug>/", views.article, name="article"),
    path("news/<slug:slug>/cover", views.cover, name="cover"),
    path("search/", views.search, name="search"),
    path("dashboards/", views.dashboards, name="dashboards"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots, name="robots"),
    path("language/<str:code>/", views.language, name="language"),
    path("newsroom/", views.desk, name="desk"),
    path("newsroom/new/", views.article_new, name="new"),
    path("newsroom/<int:pk>/", views.review, name="review"),
    path("newsroom/<int:pk>/edit/", views.article_edit, name="edit"),
    path("newsroom/<int:pk>/revisions/<int:number>/", views.revision, name="revision"),
    path("newsroom/<int:pk>/<slug:action>/", views.act, name="act"),
]

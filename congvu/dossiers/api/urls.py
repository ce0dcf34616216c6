from django.urls import path

from congvu.dossiers.api import views

urlpatterns = [
    path("public/dossiers/<str:code>", views.PublicDossierView.as_view(), name="public-dossier"),
    path("dossiers/", views.DossierListView.as_view(), name="dossier-list"),
    path("dossiers/<str:code>/", views.DossierDetailView.as_view(), name="dossier-detail"),
    path(
        "dossiers/<str:code>/actions/", views.DossierActionsView.as_view(), name="dossier-actions"
    ),
    path(
        "dossiers/<str:code>/documents/",
        views.DossierDocumentsView.as_view(),
        name="dossier-documents",
    ),
]

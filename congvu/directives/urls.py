from django.urls import path

from congvu.directives import views

app_name = "directives"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.task_new, name="new"),
    path("desk/", views.desk, name="desk"),
    path("board/", views.board, name="board"),
    path("board/export/", views.board_export, name="board_export"),
    path("documents/", views.documents, name="documents"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/export/", views.document_export, name="document_export"),
    path("documents/<int:pk>/import/", views.document_import, name="document_import"),
    path("units/<int:pk>/scorecard/", views.scorecard, name="scorecard"),
    path("public/<int:pk>/", views.public_document, name="public"),
    path("<int:pk>/", views.task_detail, name="task"),
    path("<int:pk>/<slug:action>/", views.task_act, name="act"),
]

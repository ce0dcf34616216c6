from django.urls import path

from congvu.directives.api import views

urlpatterns = [
    path("documents/", views.DocumentListView.as_view(), name="directive-document-list"),
    path(
        "documents/<int:pk>/",
        views.DocumentDetailView.as_view(),
        name="directive-document-detail",
    ),
    path("tasks/", views.TaskListView.as_view(), name="task-list"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task-detail"),
    path("tasks/<int:pk>/actions/", views.TaskActionsView.as_view(), name="task-actions"),
    path("tasks/<int:pk>/reports/", views.TaskReportsView.as_view(), name="task-reports"),
]

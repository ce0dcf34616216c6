from django.urls import path

from congvu.evaluations import views

app_name = "evaluations"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("queue/", views.queue, name="queue"),
    path("decisions/", views.decisions, name="decisions"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/export.<str:fmt>", views.round_export, name="round_export"),
    path("rounds/<int:pk>/<slug:action>/", views.round_act, name="round_act"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
]

from django.urls import path

from congvu.dossiers import views, views_paper

app_name = "dossiers"

urlpatterns = [
    path("", views.index, name="index"),
    path("lookup/", views.lookup, name="lookup"),
    path("work/", views.worklist, name="worklist"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.desk_submit, name="desk_submit"),
    path("submit/<str:procedure_code>/", views.submit_online, name="submit_online"),
    path("feedback/", views.feedback, name="feedback"),
    path("register/", views_paper.paper_register, name="paper_register"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/act/", views.act, name="act"),
    path("<str:code>/forms/<str:form>/", views_paper.paper_form, name="paper_form"),
    path("<str:code>/documents/<int:pk>/", views.document_download, name="document"),
]

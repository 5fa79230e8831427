from django.urls import path

from pathways import views

app_name = "pathways"

urlpatterns = [
    path("depasses/", views.overdue, name="overdue"),
]

from django.urls import path

from web.privacy import retention_views

app_name = "retention"

urlpatterns = [
    path("", retention_views.due_soon, name="due_soon"),
    path("<int:pk>/conserver/", retention_views.hold_create, name="hold"),
]

from django.urls import path

from web.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("cloche/", views.notification_bell, name="bell"),
    path("courriels/", views.notification_preference, name="preference"),
    path("tout-lu/", views.notifications_read_all, name="read_all"),
    path("<int:pk>/ouvrir/", views.notification_open, name="open"),
    path("<int:pk>/lu/", views.notification_read, name="read"),
]

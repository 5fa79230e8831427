from django.urls import path

from web.appointments import link_views

app_name = "appointment_link"

urlpatterns = [
    path("sms/recus/<str:secret>/", link_views.sms_webhook, name="sms_webhook"),
    path("<str:token>/", link_views.show, name="show"),
]

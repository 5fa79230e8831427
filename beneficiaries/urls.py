from django.urls import path

from beneficiaries import views

app_name = "beneficiaries"

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("personnes/<int:pk>/", views.detail, name="detail"),
]

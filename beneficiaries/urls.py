from django.urls import path

from beneficiaries import views

app_name = "beneficiaries"

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("personnes/<int:pk>/", views.detail, name="detail"),
    path("personnes/<int:pk>/coordonnees/", views.contact_edit, name="contact_edit"),
    path("personnes/<int:pk>/contacts/nouveau/", views.outreach_create, name="outreach_create"),
]

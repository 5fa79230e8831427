from django.urls import path

from web.appointments import views

app_name = "appointments"

urlpatterns = [
    path("agenda/", views.agenda, name="agenda"),
    path("agenda/creneaux/nouveau/", views.slot_new, name="slot_new"),
    path("rendez-vous/<int:pk>/presence/", views.attendance, name="attendance"),
    path("rendez-vous/<int:pk>/courrier.pdf", views.letter, name="letter"),
    path("rendez-vous/courriers.pdf", views.letters_batch, name="letters_batch"),
    path("a-convoquer/", views.to_convoke_list, name="to_convoke"),
    path("a-convoquer/convoquer/", views.to_convoke_batch, name="to_convoke_batch"),
    path(
        "portefeuille/personnes/<int:pk>/rendez-vous/",
        views.record_section,
        name="record_section",
    ),
    path("portefeuille/personnes/<int:pk>/convoquer/", views.convoke, name="convoke"),
    path("portefeuille/personnes/<int:pk>/inviter/", views.invite, name="invite"),
    path("a-convoquer/inviter/", views.to_convoke_invite, name="to_convoke_invite"),
    path("rendez-vous/<int:pk>/deplacer/", views.reschedule, name="reschedule"),
    path("rendez-vous/<int:pk>/annuler/", views.cancel, name="cancel"),
    path("signalements-absences/<int:pk>/traiter/", views.flag_close, name="flag_close"),
]

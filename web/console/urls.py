from django.urls import path

from web.console import overdue_views, person_create_views, queue_views, views

app_name = "console"

urlpatterns = [
    path("delais/depasses/", overdue_views.overdue, name="overdue"),
    path("equipe/", views.team, name="team"),
    path("equipe/professionnels/<int:pk>/", views.staff_detail, name="staff"),
    path("equipe/professionnels/<int:pk>/affectations/", views.assignments_bulk, name="staff_bulk"),
    path("equipe/binomes/", views.binomes, name="binomes"),
    path("equipe/binomes/<int:pk>/dissoudre/", views.binome_dissolve_view, name="binome_dissolve"),
    path("equipe/demandes/", views.change_requests, name="requests"),
    path(
        "equipe/demandes/<int:pk>/accepter/",
        views.change_request_accept_view,
        name="request_accept",
    ),
    path(
        "equipe/demandes/<int:pk>/refuser/", views.change_request_refuse_view, name="request_refuse"
    ),
    path("equipe/plafonds/", views.cap_policies, name="caps"),
    path("equipe/file/", queue_views.queue, name="queue"),
    path("equipe/file/affecter/", queue_views.queue_assign, name="queue_assign"),
    path("equipe/file/<int:pk>/referents/", queue_views.queue_referents, name="queue_referents"),
    path("equipe/file/orienter/", queue_views.queue_orient, name="queue_orient"),
    path("equipe/file/equilibrer/", queue_views.balance, name="balance"),
    path("equipe/file/equilibrer/confirmer/", queue_views.balance_confirm, name="balance_confirm"),
    path("equipe/personnes/nouvelle/", person_create_views.person_create, name="person_create"),
    path("equipe/personnes/<int:pk>/", queue_views.person, name="person"),
    path("equipe/personnes/<int:pk>/affecter/", queue_views.person_assign, name="person_assign"),
    path("equipe/personnes/<int:pk>/orienter/", queue_views.person_orient, name="person_orient"),
    path("equipe/personnes/<int:pk>/binome/", queue_views.person_enrol, name="person_enrol"),
    path(
        "equipe/affectations/<int:pk>/terminer/",
        queue_views.assignment_end_view,
        name="assignment_end",
    ),
    path(
        "equipe/affectations/<int:pk>/reaffecter/",
        queue_views.assignment_reassign_view,
        name="assignment_reassign",
    ),
]

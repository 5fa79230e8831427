from django.urls import path

from caseload import queue_views, views

app_name = "caseload"

urlpatterns = [
    path("", views.team, name="team"),
    path("professionnels/<int:pk>/", views.staff_detail, name="staff"),
    path("professionnels/<int:pk>/affectations/", views.assignments_bulk, name="staff_bulk"),
    path("binomes/", views.binomes, name="binomes"),
    path("binomes/<int:pk>/dissoudre/", views.binome_dissolve_view, name="binome_dissolve"),
    path("demandes/", views.change_requests, name="requests"),
    path("demandes/<int:pk>/accepter/", views.change_request_accept_view, name="request_accept"),
    path("demandes/<int:pk>/refuser/", views.change_request_refuse_view, name="request_refuse"),
    path("plafonds/", views.cap_policies, name="caps"),
    path("file/", queue_views.queue, name="queue"),
    path("file/affecter/", queue_views.queue_assign, name="queue_assign"),
    path("file/orienter/", queue_views.queue_orient, name="queue_orient"),
    path("file/equilibrer/", queue_views.balance, name="balance"),
    path("file/equilibrer/confirmer/", queue_views.balance_confirm, name="balance_confirm"),
    path("personnes/<int:pk>/", queue_views.person, name="person"),
    path("personnes/<int:pk>/affecter/", queue_views.person_assign, name="person_assign"),
    path("personnes/<int:pk>/orienter/", queue_views.person_orient, name="person_orient"),
    path("personnes/<int:pk>/binome/", queue_views.person_enrol, name="person_enrol"),
    path("affectations/<int:pk>/terminer/", queue_views.assignment_end_view, name="assignment_end"),
    path(
        "affectations/<int:pk>/reaffecter/",
        queue_views.assignment_reassign_view,
        name="assignment_reassign",
    ),
]

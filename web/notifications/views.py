"""The bell and the list of a user's notifications."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from beneficiaries.models import Beneficiary
from pathways.models import Notification
from pathways.notifications import (
    email_frequency_of,
    notification_mark_read,
    notification_preference_set,
    notification_url,
    notifications_mark_all_read,
)
from web.notifications.forms import EmailFrequencyForm

BELL_LATEST = 5
NOTIFICATIONS_PAGE_SIZE = 30


def _own_notification(request, pk):
    """A notification of the user's own; anybody else's is a 404."""
    return get_object_or_404(Notification.objects.for_user(request.user), pk=pk)


@require_GET
def notification_bell(request):
    """The bell (htmx fragment, loaded by every page and polled): unread
    count and the latest unread notifications, in one query (the count is a
    window over every unread row, computed before the limit)."""
    latest = list(
        Notification.objects.for_user(request.user)
        .unread()
        .with_list_related_data()
        .annotate(unread_count=Window(Count("pk")))[:BELL_LATEST]
    )
    return render(
        request,
        "notifications/_bell.html",
        {"unread_count": latest[0].unread_count if latest else 0, "latest": latest},
    )


@require_GET
def notification_list(request):
    notifications = Notification.objects.for_user(request.user).with_list_related_data()
    page = Paginator(notifications, NOTIFICATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "notifications": list(page),
            "frequency_form": EmailFrequencyForm(
                initial={"email_frequency": email_frequency_of(request.user)}
            ),
            "active_nav": "notifications",
        },
    )


@require_POST
def notification_preference(request):
    """The user chooses immediate emails or the daily digest."""
    form = EmailFrequencyForm(request.POST)
    if form.is_valid():
        notification_preference_set(
            user=request.user, email_frequency=form.cleaned_data["email_frequency"]
        )
        messages.success(request, _("Votre choix de courriels est enregistré."))
    else:
        messages.error(request, _("Choisissez « Immédiat » ou « Résumé quotidien »."))
    return redirect("notifications:list")


@require_POST
def notification_open(request, pk):
    """Mark the notification read and open the person's record (when the user
    may still see the person; otherwise back to the list, saying so), or for
    a group the list to work through."""
    notification = _own_notification(request, pk)
    notification_mark_read(user=request.user, notification=notification)
    if notification.is_group or not notification.beneficiary_id:
        return redirect(notification_url(notification))
    if (
        notification.beneficiary_id
        and Beneficiary.objects.visible_to(request.user)
        .filter(pk=notification.beneficiary_id)
        .exists()
    ):
        return redirect("workspace:detail", pk=notification.beneficiary_id)
    messages.info(request, _("Vous ne suivez plus cette personne."))
    return redirect("notifications:list")


@require_POST
def notification_read(request, pk):
    notification = _own_notification(request, pk)
    notification_mark_read(user=request.user, notification=notification)
    return redirect("notifications:list")


@require_POST
def notifications_read_all(request):
    notifications_mark_all_read(user=request.user)
    return redirect("notifications:list")

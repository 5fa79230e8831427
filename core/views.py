import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from beneficiaries.models import Beneficiary
from caseload.perms import scope_of
from core.forms import LoginForm
from core.models import Notification, WorkerHeartbeat
from core.services import notification_mark_read, notifications_mark_all_read


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@require_GET
def home(request):
    """Send each role to its home page."""
    scope = scope_of(request.user)
    if scope.is_manager:
        return redirect("caseload:team")
    if scope.is_admin or (scope.everything and request.user.is_staff):
        return redirect("admin:index")
    return redirect("beneficiaries:portfolio")


def _database_status():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means the database is unavailable
        return "unavailable"


def _broker_status():
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means the broker is unavailable
        return "unavailable"


def _worker_status(database_ok):
    if not database_ok:
        return {"status": "unknown", "last_heartbeat": None, "age_seconds": None}
    last = (
        WorkerHeartbeat.objects.order_by("-last_seen_at")
        .values_list("last_seen_at", flat=True)
        .first()
    )
    if last is None:
        return {"status": "unknown", "last_heartbeat": None, "age_seconds": None}
    age = (timezone.now() - last).total_seconds()
    stale_after = datetime.timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS).total_seconds()
    return {
        "status": "ok" if age <= stale_after else "stale",
        "last_heartbeat": last.isoformat(),
        "age_seconds": round(age),
    }


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """State of the database, the broker and the task worker, without any
    personal data. 503 when the database is unavailable."""
    database = _database_status()
    broker = _broker_status()
    worker = _worker_status(database == "ok")
    healthy = database == "ok" and broker == "ok"
    payload = {
        "status": "ok" if healthy else "degraded",
        "database": database,
        "broker": broker,
        "worker": worker,
    }
    return JsonResponse(payload, status=200 if database == "ok" else 503)


# --- Notifications ----------------------------------------------------------------

BELL_LATEST = 5
NOTIFICATIONS_PAGE_SIZE = 30


def _own_notification(request, pk):
    """A notification of the user's own; anybody else's is a 404."""
    return get_object_or_404(Notification.objects.for_user(request.user), pk=pk)


@require_GET
def notification_bell(request):
    """The bell (htmx fragment, loaded by every page): unread count and the
    latest unread notifications."""
    unread = Notification.objects.for_user(request.user).unread()
    return render(
        request,
        "core/notifications/_bell.html",
        {
            "unread_count": unread.count(),
            "latest": list(unread.with_list_related_data()[:BELL_LATEST]),
        },
    )


@require_GET
def notification_list(request):
    notifications = Notification.objects.for_user(request.user).with_list_related_data()
    page = Paginator(notifications, NOTIFICATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/notifications/list.html",
        {"page": page, "notifications": list(page), "active_nav": "notifications"},
    )


@require_POST
def notification_open(request, pk):
    """Mark the notification read and open the person's record (when the user
    may still see the person; otherwise back to the list, saying so)."""
    notification = _own_notification(request, pk)
    notification_mark_read(user=request.user, notification=notification)
    if (
        notification.beneficiary_id
        and Beneficiary.objects.visible_to(request.user)
        .filter(pk=notification.beneficiary_id)
        .exists()
    ):
        return redirect("beneficiaries:detail", pk=notification.beneficiary_id)
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

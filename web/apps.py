"""The pages: referent workspace, manager console, imports, notifications, accounts."""

from django.apps import AppConfig


def _session_starts_active(sender, request, user, **kwargs):
    """A new session counts as active from its login (the idle timeout)."""
    from web.middleware import mark_activity

    if request is not None and hasattr(request, "session"):
        mark_activity(request)


class WebConfig(AppConfig):
    name = "web"
    verbose_name = "Pages"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_session_starts_active, dispatch_uid="web.session_starts_active")

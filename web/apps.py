"""The pages: referent workspace, manager console, imports, notifications, accounts."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "web"
    verbose_name = "Pages"

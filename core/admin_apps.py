"""The Django admin's app config, in its own module: beside `CoreConfig` it
would make Django hesitate between two default configs of `core`."""

from django.contrib.admin.apps import AdminConfig


class ParcoursAdminConfig(AdminConfig):
    """The Django admin with its own site (`core.admin_site`)."""

    default_site = "core.admin_site.ParcoursAdminSite"

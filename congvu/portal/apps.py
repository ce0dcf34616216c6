from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "congvu.portal"
    label = "portal"
    verbose_name = _("Public portal")

    def ready(self) -> None:
        from django.core.signals import request_finished

        from congvu.portal.visitors import visits_flush_if_due

        # After the response has gone out: the visitor counts of this process are written
        # from here every few seconds, never during a request.
        request_finished.connect(visits_flush_if_due, dispatch_uid="portal_visits_flush")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demonstration data; it sits above every other app, since it fills them all."""

    name = "congvu.demo"
    label = "demo"
    verbose_name = _("Demonstration data")

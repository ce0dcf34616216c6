from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicesConfig(AppConfig):
    name = "congvu.indices"
    label = "indices"
    verbose_name = _("Service-quality index")

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "congvu.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from congvu.accounts.roles import sync_after_migrate

        # Roles are groups whose permissions follow congvu.accounts.roles; keep them in step
        # with the code after every migration, including the test database's.
        post_migrate.connect(sync_after_migrate, dispatch_uid="congvu.accounts.roles")

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # The Teachers group's permissions name models of every app, so it is
        # (re)built after each migrate, once all apps' permissions exist.
        post_migrate.connect(_ensure_teacher_group, dispatch_uid="accounts.teachers")


def _ensure_teacher_group(sender, **kwargs) -> None:
    from accounts.services import ensure_teacher_group

    if sender.name == "accounts":
        ensure_teacher_group(using=kwargs.get("using", "default"))

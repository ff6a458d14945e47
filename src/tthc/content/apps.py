from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "tthc.content"
    verbose_name = "Nội dung thông tin, tuyên truyền"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        # A signal, not a call from the login view: the org app decides roles and must not
        # depend on content (apps depend downward only), and the login view is Django's own.
        # Signing in is when a role granted or withdrawn in org takes effect in Wagtail.
        user_logged_in.connect(_sync_groups_on_login, dispatch_uid="content.sync_groups")


def _sync_groups_on_login(sender, request, user, **kwargs):
    from tthc.content.services import sync_wagtail_groups

    sync_wagtail_groups(user=user)

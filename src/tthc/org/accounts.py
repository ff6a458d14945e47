"""The account behind a session, kept by the process (decision 0013).

Every signed-in request read the user, their memberships and whether they have a confirmed
authenticator: three queries before the page's own, on every page and API call of every
officer. They change seldom (an account edited or switched off, a password changed, a role
given or taken, an authenticator enrolled), and each of those changes raises the revision
"accounts", so a process keeps what it read until then. Each request gets its own copy of the
user: middlewares and views set attributes on `request.user`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from tthc.core import revisions
from tthc.org.models import Membership
from tthc.org.policy import read_memberships, remember_memberships
from tthc.org.twofactor import read_confirmed_device, remember_confirmed_device

REVISION = "accounts"
# Officers signed in to one process at once, with room to spare; beyond it the oldest go.
KEPT = 5000


@dataclass(frozen=True)
class Account:
    user: object  # the project's User, never handed out: requests get copies
    memberships: tuple[Membership, ...]
    has_confirmed_device: bool


def _account(user_id) -> Account | None:
    user = get_user_model()._default_manager.filter(pk=user_id).first()
    if user is None:
        return None
    return Account(user, tuple(read_memberships(user)), read_confirmed_device(user))


ACCOUNTS: revisions.Derived[Account | None] = revisions.Derived(REVISION, _account, limit=KEPT)


def watch() -> None:
    """The changes that raise "accounts" (OrgConfig.ready)."""
    revisions.watch(REVISION, get_user_model(), unless_only=frozenset({"last_login"}))
    revisions.watch(REVISION, Membership, TOTPDevice)


class KeptAccountBackend(ModelBackend):
    """Django's model backend (passwords, permissions), the session's user read from the
    process's accounts."""

    def get_user(self, user_id):
        try:
            pk = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        account = ACCOUNTS.get(pk)
        if account is None:
            return None
        user = copy.copy(account.user)
        remember_memberships(user, list(account.memberships))
        remember_confirmed_device(user, account.has_confirmed_device)
        return user if self.user_can_authenticate(user) else None

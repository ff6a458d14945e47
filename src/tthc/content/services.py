"""Writes of the content app: the editors' Wagtail group follows the org roles, the site's
skeleton can be put back, scheduled pages are published. Pages themselves are written by
editors in Wagtail's admin (revisions, moderation, scheduling are Wagtail's own)."""

from __future__ import annotations

import io

from django.apps import apps as live_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q

from tthc.content import setup
from tthc.core.models import User
from tthc.org.models import Membership
from tthc.org.policy import RULES, Action


def ensure_site() -> None:
    """Put back the home page, the lists, the editors' group and the workflow if any is missing
    (a test that emptied the database, a site set up by hand). Changes nothing otherwise."""
    with transaction.atomic():
        setup.install(live_apps, language_code=settings.LANGUAGE_CODE)


def editors_group() -> Group:
    group = Group.objects.filter(name=setup.EDITORS_GROUP).first()
    if group is None:
        ensure_site()
        group = Group.objects.get(name=setup.EDITORS_GROUP)
    return group


def _content_roles() -> set[str]:
    # Read afresh (not through `policy.can`, which caches roles on the user object for a
    # request): the point here is to notice a role that was just granted or withdrawn.
    return {grant.role for grant in RULES[Action.CONTENT_EDIT]}


def sync_wagtail_groups(*, user: User) -> bool:
    """Put `user` in the editors' group when an org role lets them edit content (the roles of
    policy `CONTENT_EDIT`: editors and administrators), take them out otherwise. Returns whether the
    user is now in the group."""
    group = editors_group()
    should_be = (
        user.is_active
        and not user.is_superuser  # superusers see everything in Wagtail already
        and Membership.objects.filter(user=user, role__in=_content_roles()).exists()
    )
    if should_be:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    return should_be


def sync_all_editor_groups() -> tuple[int, int]:
    """Sync every account that is in the group or holds a content role; (members, removed)."""
    group = editors_group()
    candidates = get_user_model().objects.filter(
        Q(groups=group) | Q(memberships__role__in=_content_roles())
    )
    members = removed = 0
    for user in candidates.distinct().order_by("pk"):
        was_member = user.groups.filter(pk=group.pk).exists()
        if sync_wagtail_groups(user=user):
            members += 1
        elif was_member:
            removed += 1
    return members, removed


def publish_scheduled() -> str:
    """Wagtail's `publish_scheduled`: publish what is due, unpublish what expired. Running it
    twice changes nothing the second time."""
    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
    return out.getvalue()

"""Org roles decide who is in Wagtail's editors' group: on every sign-in and by command."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tthc.content import setup
from tthc.org.models import Membership, Role

pytestmark = pytest.mark.django_db


def in_group(user) -> bool:
    return user.groups.filter(name=setup.EDITORS_GROUP).exists()


def test_signing_in_puts_editors_in_the_group_and_opens_the_admin(client, make_editor):
    editor = make_editor("bientap")
    assert not in_group(editor)
    response = client.post(reverse("login"), {"username": "bientap", "password": "mat-khau-dai-12"})
    assert response.status_code == 302
    assert in_group(editor)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_other_roles_are_not_editors_and_cannot_open_the_admin(client, make_editor):
    specialist = make_editor("chuyenvien", role=Role.SPECIALIST)
    client.post(reverse("login"), {"username": "chuyenvien", "password": "mat-khau-dai-12"})
    assert not in_group(specialist)
    assert client.get(reverse("wagtailadmin_home")).status_code in (302, 403)


def test_a_withdrawn_role_leaves_the_group_at_the_next_sign_in(client, make_editor):
    editor = make_editor("bientap")
    client.force_login(editor)
    assert in_group(editor)
    Membership.objects.filter(user=editor).update(role=Role.SPECIALIST)
    client.logout()
    client.force_login(editor)
    assert not in_group(editor)


def test_administrators_are_editors_too(client, make_editor):
    administrator = make_editor("quantri", role=Role.ADMINISTRATOR)
    client.force_login(administrator)
    assert in_group(administrator)


def test_command_syncs_every_account(make_editor, capsys):
    editor = make_editor("bientap")
    former = make_editor("cu.bientap")
    call_command("sync-editor-groups")
    assert in_group(editor) and in_group(former)
    Membership.objects.filter(user=former).update(role=Role.RECEPTION_OFFICER)
    call_command("sync-editor-groups")
    assert in_group(editor) and not in_group(former)
    assert "đã bỏ 1 tài khoản" in capsys.readouterr().out

"""A fresh `migrate` gives a working site; the skeleton can be put back idempotently."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Page, Site, WorkflowPage

from tthc.content import services, setup
from tthc.content.models import EventIndexPage, HomePage, NewsIndexPage

pytestmark = pytest.mark.django_db


def test_migrations_replace_the_welcome_page_with_the_home_page(client):
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    assert isinstance(home, HomePage)
    assert not Page.objects.filter(depth=2, slug="home").exists()
    assert NewsIndexPage.objects.child_of(home).get().url == "/tin-tuc/"
    assert EventIndexPage.objects.child_of(home).get().url == "/hoi-nghi-tap-huan/"
    assert WorkflowPage.objects.get(page=home).workflow.name == setup.WORKFLOW_NAME
    editors = Group.objects.get(name=setup.EDITORS_GROUP)
    codenames = set(editors.page_permissions.values_list("permission__codename", flat=True))
    assert codenames == {"add_page", "change_page"}  # no publish: another editor approves
    assert client.get("/").status_code == 200


def test_wagtails_own_groups_and_workflow_are_gone():
    """Left in place, a "Moderators" member could publish without review."""
    from wagtail.models import Workflow

    assert not Group.objects.filter(name__in=["Moderators", "Editors"]).exists()
    assert list(Workflow.objects.values_list("name", flat=True)) == [setup.WORKFLOW_NAME]
    assert list(WorkflowPage.objects.values_list("workflow__name", flat=True)) == [
        setup.WORKFLOW_NAME
    ]


def test_ensure_site_is_idempotent():
    before = (Page.objects.count(), Group.objects.count(), WorkflowPage.objects.count())
    services.ensure_site()
    services.ensure_site()
    assert (Page.objects.count(), Group.objects.count(), WorkflowPage.objects.count()) == before


def test_ensure_site_rebuilds_an_emptied_database(client):
    Site.objects.all().delete()
    Page.objects.all().delete()
    Group.objects.all().delete()
    services.ensure_site()
    assert client.get("/").status_code == 200
    assert client.get("/tin-tuc/").status_code == 200
    assert Group.objects.filter(name=setup.EDITORS_GROUP).exists()

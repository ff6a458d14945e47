"""Draft → review by another editor → publish, with Wagtail's own workflow; scheduled
publishing; rollback to an earlier revision."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Revision, TaskState
from wagtail.rich_text import RichText

from tthc.content.models import ArticlePage, EditorApprovalTask
from tthc.content.tasks import publish_scheduled_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def editors(make_editor, client):
    a, b = make_editor("bientap.a"), make_editor("bientap.b")
    for user in (a, b):  # signing in puts them in the editors' group
        client.force_login(user)
    client.logout()
    return a, b


def submit(article, user):
    article.save_revision(user=user)
    workflow = article.get_workflow()
    assert workflow.name == "Duyệt tin bài"
    workflow.start(article, user)
    article.refresh_from_db()
    return article.current_workflow_task_state


def test_editors_cannot_publish_directly(editors, make_article):
    a, _ = editors
    article = make_article(publish=False)
    permissions = article.permissions_for_user(a)
    assert permissions.can_edit()
    assert not permissions.can_publish()


def test_submitter_cannot_approve_and_another_editor_can(client, editors, make_article):
    a, b = editors
    article = make_article(title="Tin chờ duyệt", publish=False)
    task_state = submit(article, a)
    task = task_state.task.specific
    assert isinstance(task, EditorApprovalTask)

    # A: no action offered, nothing to review on the dashboard, a message in the editor.
    assert task.get_actions(article, a) == []
    assert not TaskState.objects.reviewable_by(a).exists()
    client.force_login(a)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    assert "không thể tự duyệt" in edit.content.decode()

    # A forces the approval: Wagtail's admin refuses (back to the dashboard), still a draft.
    url = reverse("wagtailadmin_pages:workflow_action", args=[article.pk, "approve", task_state.pk])
    refused = client.post(url, {"comment": ""})
    assert refused.status_code == 302 and refused["Location"] == reverse("wagtailadmin_home")
    article.refresh_from_db()
    assert not article.live
    task_state.refresh_from_db()
    assert task_state.status == "in_progress"
    assert client.get("/tin-tuc/").content.decode().count("Tin chờ duyệt") == 0

    # B approves from the admin: the article goes live.
    assert [name for name, *_ in task.get_actions(article, b)] == ["reject", "approve", "approve"]
    assert TaskState.objects.reviewable_by(b).filter(pk=task_state.pk).exists()
    client.force_login(b)
    response = client.post(url, {"comment": ""})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.live
    task_state.refresh_from_db()
    assert task_state.status == "approved" and task_state.finished_by == b
    client.logout()
    assert "Tin chờ duyệt" in client.get("/tin-tuc/").content.decode()


def test_model_level_refusal_even_without_the_admin(editors, make_article):
    from django.core.exceptions import PermissionDenied

    a, _ = editors
    article = make_article(publish=False)
    task_state = submit(article, a)
    with pytest.raises(PermissionDenied):
        task_state.task.specific.on_action(task_state, a, "approve")
    article.refresh_from_db()
    assert not article.live


def test_an_editor_who_changed_the_page_under_review_cannot_approve_it(
    make_editor, editors, make_article
):
    """B edits A's article while it waits for review, then approves it: the approval would
    publish the latest revision, B's own text, reviewed by nobody. B is the author of what
    would go live, so B can't approve; a third editor can."""
    from django.core.exceptions import PermissionDenied

    a, b = editors
    c = make_editor("bientap.c")
    c.groups.add(*b.groups.all())
    article = make_article(title="Tin chờ duyệt", publish=False)
    task_state = submit(article, a)
    article.body = [("paragraph", RichText("<p>B sửa trong lúc chờ duyệt.</p>"))]
    article.save_revision(user=b)
    article.refresh_from_db()
    task = task_state.task.specific

    assert task.get_actions(article, b) == []
    assert not TaskState.objects.reviewable_by(b).filter(pk=task_state.pk).exists()
    with pytest.raises(PermissionDenied):
        task.on_action(task_state, b, "approve")
    article.refresh_from_db()
    assert not article.live

    assert task.get_actions(article, c)
    assert TaskState.objects.reviewable_by(c).filter(pk=task_state.pk).exists()
    task.on_action(task_state, c, "approve")
    article.refresh_from_db()
    assert article.live


def test_scheduled_article_goes_live_only_when_the_task_runs_after_its_time(
    client, editors, make_article
):
    a, b = editors
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        article = make_article(title="Tin hẹn giờ đăng", publish=False)
        article.go_live_at = start + timedelta(hours=2)
        task_state = submit(article, a)
        task_state.task.specific.on_action(task_state, b, "approve")
        article.refresh_from_db()
        assert not article.live
        assert article.approved_schedule
        publish_scheduled_pages.enqueue()
        article.refresh_from_db()
        assert not article.live
        assert "Tin hẹn giờ đăng" not in client.get("/tin-tuc/rss.xml").content.decode()

    with time_machine.travel(start + timedelta(hours=2, minutes=1), tick=False):
        assert "Tin hẹn giờ đăng" not in client.get("/").content.decode()
        publish_scheduled_pages.enqueue()
        article.refresh_from_db()
        assert article.live
        revisions = Revision.page_revisions.filter(object_id=str(article.pk)).count()
        publish_scheduled_pages.enqueue()  # a second run changes nothing
        assert Revision.page_revisions.filter(object_id=str(article.pk)).count() == revisions
        assert "Tin hẹn giờ đăng" in client.get("/").content.decode()
        assert "Tin hẹn giờ đăng" in client.get("/tin-tuc/rss.xml").content.decode()


def test_reverting_to_an_earlier_revision_publishes_the_old_text(client, make_article):
    article = make_article(body_text="Nội dung ban đầu của tin.")
    first = article.latest_revision
    article.body = [("paragraph", RichText("<p>Nội dung đã sửa sai.</p>"))]
    article.save_revision().publish()
    assert "Nội dung đã sửa sai." in client.get(article.url).content.decode()

    # What the admin's "Revert to this revision" does: a new revision from the old content.
    old = first.as_object()
    old.save_revision(previous_revision=first, log_action=True).publish()
    html = client.get(article.url).content.decode()
    assert "Nội dung ban đầu của tin." in html
    assert "Nội dung đã sửa sai." not in html
    assert Revision.page_revisions.filter(object_id=str(article.pk)).count() == 3
    assert (
        ArticlePage.objects.get(pk=article.pk).latest_revision.content["body"]
        == (first.content["body"])
    )


def test_admin_revision_history_lists_each_revision(client, make_article, django_user_model):
    article = make_article()
    article.save_revision().publish()
    admin = django_user_model.objects.create_superuser("quantri", password="mat-khau-dai-12")
    client.force_login(admin)
    response = client.get(reverse("wagtailadmin_pages:history", args=[article.pk]))
    assert response.status_code == 200

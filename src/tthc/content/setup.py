"""The site's skeleton and its editorial rules, written with whatever model registry it is given:
the historical one inside a migration (so later model changes never break an old migration) or
the live one (`django.apps.apps`) when a test or the demo needs them back after the database was
emptied. Every step is idempotent.

- The home page (`HomePage`) replaces Wagtail's welcome page at `/`, and the default Site
  points at it; under it, the news list `/tin-tuc/` and the events list `/hoi-nghi-tap-huan/`.
- The editors' group: may use the admin, add and edit pages under the home page, choose, add and
  edit images and documents; may not publish.
- The workflow "Duyệt tin bài" on the home page: one step that any editor may approve, except
  the one who submitted it (`EditorApprovalTask`).
"""

from __future__ import annotations

EDITORS_GROUP = "Biên tập viên"
WORKFLOW_NAME = "Duyệt tin bài"
TASK_NAME = "Biên tập viên khác duyệt"

HOME = {"title": "Trang chủ", "slug": "trang-chu"}
NEWS = {"title": "Tin tức", "slug": "tin-tuc"}
EVENTS = {"title": "Hội nghị, tập huấn", "slug": "hoi-nghi-tap-huan"}

PAGE_PERMISSIONS = ["add_page", "change_page"]
IMAGE_PERMISSIONS = ["add_image", "change_image", "choose_image"]
DOCUMENT_PERMISSIONS = ["add_document", "change_document", "choose_document"]

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's materialised-path digits
_STEP = 4


def install(apps, language_code: str = "vi") -> None:
    home = install_pages(apps, language_code)
    install_editorial(apps, home)
    remove_wagtail_defaults(apps)


# Wagtail's own starting point: English groups with publish rights on the whole tree and a
# "Moderators approval" workflow on the root. Ours replace them; left in place they would let a
# "Moderators" member publish without review, and confuse editors with two workflows.
WAGTAIL_DEFAULT_GROUPS = ["Moderators", "Editors"]
WAGTAIL_DEFAULT_WORKFLOW = "Moderators approval"


def remove_wagtail_defaults(apps) -> None:
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    for workflow in Workflow.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW):
        task_ids = list(workflow.workflow_tasks.values_list("task_id", flat=True))
        workflow.workflow_pages.all().delete()
        workflow.workflow_tasks.all().delete()
        if not workflow.workflow_states.exists():
            workflow.delete()
        Task.objects.filter(
            pk__in=task_ids, name=WAGTAIL_DEFAULT_WORKFLOW, workflow_tasks__isnull=True
        ).exclude(task_states__isnull=False).delete()
    # Only while nobody was put in them: an installation that uses them keeps them.
    Group.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS, user__isnull=True).delete()


def _content_type(apps, app_label: str, model: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label=app_label, model=model)[0]


def _step(number: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, len(_ALPHABET))
        digits = _ALPHABET[rest] + digits
    return digits.rjust(_STEP, "0")


def _next_child_path(model, parent) -> str:
    last = (
        model.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    number = int(last[-_STEP:], len(_ALPHABET)) + 1 if last else 1
    return parent.path + _step(number)


def _add_child(apps, parent, model_name: str, locale, **fields):
    Page = apps.get_model("wagtailcore", "Page")
    model = apps.get_model("content", model_name)
    page = model(
        **fields,
        draft_title=fields["title"],
        content_type=_content_type(apps, "content", model_name.lower()),
        path=_next_child_path(Page, parent),
        depth=parent.depth + 1,
        numchild=0,
        url_path=f"{parent.url_path}{fields['slug']}/",
        locale=locale,
        live=True,
        has_unpublished_changes=False,
    )
    page.save()
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + 1)
    parent.numchild += 1
    return page


def install_pages(apps, language_code: str = "vi"):
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("content", "HomePage")
    NewsIndexPage = apps.get_model("content", "NewsIndexPage")
    EventIndexPage = apps.get_model("content", "EventIndexPage")

    locale = Locale.objects.order_by("pk").first() or Locale.objects.create(
        language_code=language_code
    )
    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is None:
        root = Page.objects.create(
            title="Root",
            draft_title="Root",
            slug="root",
            content_type=_content_type(apps, "wagtailcore", "page"),
            path=_step(1),
            depth=1,
            numchild=0,
            url_path="/",
            locale=locale,
        )

    home = HomePage.objects.filter(depth=2).order_by("path").first()
    if home is None:
        # Wagtail's welcome page (a plain Page "home"), unless someone already built under it.
        welcome = Page.objects.filter(
            depth=2, slug="home", content_type=_content_type(apps, "wagtailcore", "page")
        ).first()
        if welcome is not None and welcome.numchild == 0:
            welcome.delete()
            root.numchild = Page.objects.filter(depth=2).count()
            Page.objects.filter(pk=root.pk).update(numchild=root.numchild)
        home = _add_child(
            apps,
            root,
            "HomePage",
            locale,
            intro=(
                "Tin tức, hội nghị, tập huấn về kiểm soát thủ tục hành chính, cải cách hành "
                "chính và dịch vụ công; tra cứu thủ tục, hồ sơ và gửi phản ánh, kiến nghị."
            ),
            **HOME,
        )

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Cổng thông tin kiểm soát thủ tục hành chính",
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()

    children = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1)
    if not NewsIndexPage.objects.filter(pk__in=children.values("pk")).exists():
        _add_child(
            apps,
            home,
            "NewsIndexPage",
            locale,
            intro="Tin tức về kiểm soát thủ tục hành chính, cải cách hành chính và dịch vụ công.",
            **NEWS,
        )
    if not EventIndexPage.objects.filter(pk__in=children.values("pk")).exists():
        _add_child(
            apps,
            home,
            "EventIndexPage",
            locale,
            intro="Lịch tập huấn, hội nghị và các đợt học tập kinh nghiệm.",
            **EVENTS,
        )
    return home


def _permissions(apps, app_label: str, model: str, codenames: list[str]):
    Permission = apps.get_model("auth", "Permission")
    content_type = _content_type(apps, app_label, model)
    return [
        Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": codename}
        )[0]
        for codename in codenames
    ]


def _root_collection(apps):
    Collection = apps.get_model("wagtailcore", "Collection")
    root = Collection.objects.filter(depth=1).order_by("path").first()
    if root is None:
        root = Collection.objects.create(name="Root", path=_step(1), depth=1, numchild=0)
    return root


def install_editorial(apps, home) -> None:
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    EditorApprovalTask = apps.get_model("content", "EditorApprovalTask")

    editors, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    editors.permissions.add(*_permissions(apps, "wagtailadmin", "admin", ["access_admin"]))
    for permission in _permissions(apps, "wagtailcore", "page", PAGE_PERMISSIONS):
        GroupPagePermission.objects.get_or_create(group=editors, page=home, permission=permission)
    collection = _root_collection(apps)
    media = _permissions(apps, "wagtailimages", "image", IMAGE_PERMISSIONS) + _permissions(
        apps, "wagtaildocs", "document", DOCUMENT_PERMISSIONS
    )
    for permission in media:
        GroupCollectionPermission.objects.get_or_create(
            group=editors, collection=collection, permission=permission
        )

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = EditorApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = EditorApprovalTask.objects.create(
            name=TASK_NAME,
            active=True,
            content_type=_content_type(apps, "content", "editorapprovaltask"),
        )
    task.groups.add(editors)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})

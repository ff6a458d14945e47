import io
from datetime import timedelta

import pytest
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.rich_text import RichText

from tests.factories import MembershipFactory
from tthc.content import services
from tthc.content.models import (
    ArticlePage,
    Category,
    EventIndexPage,
    EventKind,
    EventPage,
    HomePage,
    NewsIndexPage,
)
from tthc.org.models import Role


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def site(db):
    services.ensure_site()
    home = HomePage.objects.get()
    return {
        "home": home,
        "news": NewsIndexPage.objects.child_of(home).get(),
        "events": EventIndexPage.objects.child_of(home).get(),
    }


def png_bytes(colour=(164, 22, 26), size=(640, 360)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def make_image(db):
    def make(title="Ảnh hội nghị"):
        image = Image(title=title)
        image.file = ImageFile(io.BytesIO(png_bytes()), name="anh.png")
        image.save()
        return image

    return make


@pytest.fixture
def make_article(site):
    counter = iter(range(1, 10_000))

    def make(*, publish=True, parent=None, **fields):
        n = next(counter)
        body_text = fields.pop("body_text", "Nội dung tin bài.")
        tags = fields.pop("tags", ())
        fields.setdefault("title", f"Tin bài số {n}")
        fields.setdefault("slug", f"tin-bai-{n}")
        fields.setdefault("category", Category.CONTROL)
        fields.setdefault("summary", f"Tóm tắt tin bài số {n}.")
        fields.setdefault("date", timezone.localdate() - timedelta(days=n))
        article = ArticlePage(
            body=[("paragraph", RichText(f"<p>{body_text}</p>"))], live=publish, **fields
        )
        article.tags.add(*tags)
        (parent or site["news"]).add_child(instance=article)
        revision = article.save_revision()
        if publish:
            revision.publish()
        return article

    return make


@pytest.fixture
def make_event(site):
    counter = iter(range(1, 10_000))

    def make(**fields):
        n = next(counter)
        start = timezone.now() + timedelta(days=n)
        fields.setdefault("title", f"Hội nghị số {n}")
        fields.setdefault("slug", f"hoi-nghi-{n}")
        fields.setdefault("kind", EventKind.CONFERENCE)
        fields.setdefault("start_at", start)
        fields.setdefault("end_at", start + timedelta(hours=3))
        fields.setdefault("place", "Hội trường UBND tỉnh")
        fields.setdefault("organiser", "Văn phòng UBND tỉnh")
        event = EventPage(**fields)
        site["events"].add_child(instance=event)
        event.save_revision().publish()
        return event

    return make


@pytest.fixture
def make_editor(db):
    def make(username, role=Role.EDITOR):
        membership = MembershipFactory(role=role, user__username=username)
        user = membership.user
        user.save()  # the factory sets the password without saving it
        return user

    return make

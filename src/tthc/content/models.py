"""The portal's Wagtail pages (DOMAIN §10): the site's home, news and articles, events (training,
conferences, study visits) and standard pages (rights and duties, guides, contacts), plus the
moderation task that lets an editor's article be approved only by another editor.

The lists a page draws (filters, pagination, its side columns) are read by `listings` over the
querysets the page gives it in `get_context`; the other reads (feeds, site search) live in
`selectors`, which imports these models (so neither module imports the other back).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import (
    AbstractGroupApprovalTask,
    Orderable,
    Page,
    Revision,
    Site,
    TaskState,
)
from wagtail.search import index

from tthc.content import listings
from tthc.content.blocks import BodyBlock
from tthc.content.choices import Category, EventKind
from tthc.content.choosers import procedure_chooser_viewset
from tthc.content.slugs import reserved_slugs
from tthc.core.text import fold, normalize_space


def reserved_slug_error(slug: str) -> str:
    return _(
        "Đường dẫn “%(slug)s” đã được hệ thống dùng cho trang /%(slug)s/ (tra cứu thủ tục, hồ "
        "sơ, phản ánh…). Hãy chọn đường dẫn khác cho trang ở cấp đầu tiên."
    ) % {"slug": slug}


def is_reserved_top_level(slug: str, parent: Page | None) -> bool:
    """True when a page with `slug` under `parent` would sit at `/<slug>/` where a Django view
    already answers (so the page could never be seen)."""
    if parent is None or not slug:
        return False
    return slug in reserved_slugs() and Site.objects.filter(root_page_id=parent.pk).exists()


class ContentPageForm(WagtailAdminPageForm):
    """The editor's form: refuses a reserved top-level slug next to the field. (The model's
    `clean` cannot: the new page has no place in the tree while its form is being checked.)"""

    def clean(self):
        cleaned_data = super().clean()
        slug = cleaned_data.get("slug")
        if slug and is_reserved_top_level(slug, self.parent_page):
            self.add_error("slug", forms.ValidationError(reserved_slug_error(slug)))
        return cleaned_data


class ContentPage(Page):
    """Shared by every page of the portal: the reserved-slug rule and the search text folded
    like the catalog's (case, diacritics, đ → d), so "ho tich" finds "hộ tịch"."""

    base_form_class = ContentPageForm

    search_fields = [*Page.search_fields, index.SearchField("folded_text")]

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        parent = self.get_parent() if self.path else None
        if is_reserved_top_level(self.slug, parent):
            raise ValidationError({"slug": reserved_slug_error(self.slug)})

    def searchable_parts(self) -> list[str]:
        parts = [self.title, getattr(self, "summary", "")]
        body = getattr(self, "body", None)
        if body:
            parts.extend(body.stream_block.get_searchable_content(body))
        return parts

    def folded_text(self) -> str:
        return fold(
            normalize_space(" ".join(str(part) for part in self.searchable_parts() if part))
        )


# --- Home ----------------------------------------------------------------------------------------


class FilteredIndex:
    """An index page whose `listing(request)` may refuse a filter (an unknown category, tag or
    kind): the page is still shown, with the message, under the listing's 4xx status."""

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        listing = self.listing(request)
        if listing.error:
            response.status_code = listing.status
        return response


class HomePage(ContentPage):
    intro = models.TextField(
        "Lời giới thiệu",
        blank=True,
        help_text="Một hai câu dưới tiêu đề trang chủ, ví dụ mục đích của cổng thông tin.",
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["content.NewsIndexPage", "content.EventIndexPage", "content.StandardPage"]
    max_count = 1
    template = "content/home_page.html"

    class Meta:
        verbose_name = "trang chủ"
        verbose_name_plural = "trang chủ"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(
            listings.home_blocks(
                articles=ArticlePage.objects.live().public(),
                events=EventPage.objects.live().public(),
                news_index=NewsIndexPage.objects.live().first(),
                events_index=EventIndexPage.objects.live().first(),
            )
        )
        return context


# --- News ----------------------------------------------------------------------------------------


class NewsIndexPage(FilteredIndex, ContentPage):
    intro = models.TextField("Giới thiệu", blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.ArticlePage"]
    template = "content/news_index_page.html"

    class Meta:
        verbose_name = "danh sách tin tức"
        verbose_name_plural = "danh sách tin tức"

    def listing(self, request):
        """This request's page of the list (worked out once: `serve` needs its status,
        `get_context` its rows, and a preview calls only `get_context`)."""
        if not hasattr(request, "_news_listing"):
            request._news_listing = listings.news_listing(
                ArticlePage.objects.live().public().child_of(self),
                category=request.GET.get("chuyen-muc", ""),
                tag=request.GET.get("the", ""),
                page_number=request.GET.get("trang"),
            )
        return request._news_listing

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        listing = self.listing(request)
        context["listing"] = listing
        context["categories"] = Category.choices
        context["selected_category"] = listing.filters["chuyen-muc"]
        return context


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "content.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ArticlePage(ContentPage):
    date = models.DateField("Ngày đăng", default=timezone.localdate)
    category = models.CharField("Chuyên mục", max_length=40, choices=Category.choices)
    summary = models.TextField(
        "Tóm tắt", max_length=600, help_text="Hai ba câu, hiện trong danh sách tin và trên RSS."
    )
    lead_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="Ảnh đại diện",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lead_image_alt = models.CharField(
        "Mô tả ảnh cho người khiếm thị",
        max_length=250,
        blank=True,
        help_text="Để trống sẽ dùng tiêu đề của ảnh.",
    )
    lead_image_caption = models.CharField("Chú thích ảnh", max_length=500, blank=True)
    lead_image_credit = models.CharField(
        "Nguồn ảnh", max_length=200, blank=True, help_text="Ví dụ: Văn phòng UBND tỉnh"
    )
    body = StreamField(BodyBlock(), verbose_name="Nội dung", blank=True)
    tags = ClusterTaggableManager("Thẻ", through=ArticleTag, blank=True)
    featured = models.BooleanField(
        "Tin nổi bật", default=False, help_text="Tin nổi bật được đưa lên đầu trang chủ."
    )

    search_fields = [
        *ContentPage.search_fields,
        index.FilterField("date"),
        index.FilterField("category"),
    ]

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("date"), FieldPanel("category")]),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("lead_image"),
                FieldPanel("lead_image_alt"),
                FieldPanel("lead_image_caption"),
                FieldPanel("lead_image_credit"),
            ],
            heading="Ảnh đại diện",
        ),
        FieldPanel("body"),
        FieldPanel("tags"),
        InlinePanel(
            "related_procedures",
            heading="Thủ tục hành chính liên quan",
            label="Thủ tục",
            help_text="Bạn đọc sẽ thấy đường dẫn đến trang của các thủ tục này.",
        ),
        FieldPanel("featured"),
    ]

    parent_page_types = ["content.NewsIndexPage"]
    subpage_types: list[str] = []
    template = "content/article_page.html"

    class Meta:
        verbose_name = "tin bài"
        verbose_name_plural = "tin bài"
        indexes = [models.Index(fields=["date"])]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["procedures"] = listings.related_procedures(self)
        context["news_index"] = self.get_parent()
        context["more_articles"] = listings.more_articles(
            self, articles=ArticlePage.objects.live().public()
        )
        return context


class ArticleProcedure(Orderable):
    article = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="related_procedures")
    procedure = models.ForeignKey(
        "catalog.Procedure", verbose_name="Thủ tục", on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("procedure", widget=procedure_chooser_viewset.widget_class)]

    class Meta(Orderable.Meta):
        verbose_name = "thủ tục liên quan"
        verbose_name_plural = "thủ tục liên quan"


# --- Events --------------------------------------------------------------------------------------


class EventIndexPage(FilteredIndex, ContentPage):
    intro = models.TextField("Giới thiệu", blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.EventPage"]
    template = "content/event_index_page.html"

    class Meta:
        verbose_name = "danh sách hội nghị, tập huấn"
        verbose_name_plural = "danh sách hội nghị, tập huấn"

    def listing(self, request):
        if not hasattr(request, "_event_listing"):
            request._event_listing = listings.event_listing(
                EventPage.objects.live().public().child_of(self),
                kind=request.GET.get("loai", ""),
                page_number=request.GET.get("trang"),
            )
        return request._event_listing

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        listing = self.listing(request)
        context["listing"] = listing
        context["kinds"] = EventKind.choices
        context["selected_kind"] = listing.filters["loai"]
        context["now"] = timezone.now()
        return context


class EventPage(ContentPage):
    kind = models.CharField("Loại sự kiện", max_length=30, choices=EventKind.choices)
    start_at = models.DateTimeField("Bắt đầu")
    end_at = models.DateTimeField("Kết thúc")
    place = models.CharField("Địa điểm", max_length=300)
    audience = models.CharField("Thành phần tham dự", max_length=500, blank=True)
    organiser = models.CharField("Đơn vị tổ chức", max_length=300)
    summary = models.TextField("Tóm tắt", max_length=600, blank=True)
    body = StreamField(BodyBlock(), verbose_name="Nội dung", blank=True)

    search_fields = [*ContentPage.search_fields, index.FilterField("start_at")]

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("start_at"), FieldPanel("end_at")]),
        FieldPanel("place"),
        FieldPanel("organiser"),
        FieldPanel("audience"),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("attachments", heading="Tài liệu", label="Tài liệu"),
    ]

    parent_page_types = ["content.EventIndexPage"]
    subpage_types: list[str] = []
    template = "content/event_page.html"

    class Meta:
        verbose_name = "hội nghị, tập huấn"
        verbose_name_plural = "hội nghị, tập huấn"
        indexes = [models.Index(fields=["start_at"])]

    def clean(self):
        super().clean()
        if self.start_at and self.end_at and self.end_at < self.start_at:
            raise ValidationError({"end_at": _("Thời gian kết thúc phải sau thời gian bắt đầu.")})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["attachments"] = self.attachments.select_related("document")
        context["other_events"] = listings.other_events(
            self, events=EventPage.objects.live().public()
        )
        context["now"] = timezone.now()
        return context


class EventAttachment(Orderable):
    event = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name="Tài liệu", on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(
        "Tên hiển thị", max_length=250, blank=True, help_text="Để trống sẽ dùng tên của tài liệu."
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = "tài liệu"
        verbose_name_plural = "tài liệu"

    @property
    def label(self) -> str:
        return self.title or self.document.title


# --- Standard pages -------------------------------------------------------------------------------


class StandardPage(ContentPage):
    summary = models.TextField("Tóm tắt", max_length=600, blank=True)
    body = StreamField(BodyBlock(), verbose_name="Nội dung", blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]

    parent_page_types = ["content.HomePage", "content.StandardPage"]
    subpage_types = ["content.StandardPage"]
    template = "content/standard_page.html"

    class Meta:
        verbose_name = "trang thông tin"
        verbose_name_plural = "trang thông tin"


# --- Moderation ----------------------------------------------------------------------------------

SELF_APPROVAL_MESSAGE = gettext_lazy(
    "Bạn là người gửi duyệt nội dung này nên không thể tự duyệt; một biên tập viên khác sẽ duyệt."
)


class EditorApprovalTask(AbstractGroupApprovalTask):
    """Wagtail's group approval, minus the person who asked for it: whoever submitted the page
    (or wrote the revision under review) sees no action and cannot force one."""

    class Meta:
        verbose_name = "duyệt bởi biên tập viên khác"
        verbose_name_plural = "duyệt bởi biên tập viên khác"

    @classmethod
    def get_description(cls):
        return _(
            "Thành viên của các nhóm đã chọn được duyệt, trừ người đã gửi duyệt hoặc viết phiên "
            "bản đang chờ duyệt."
        )

    def is_submitter(self, obj, user) -> bool:
        """Whoever asked for the review, wrote the revision under review, or saved a revision
        of the page since this task started (an approval publishes the latest revision, so an
        editor who changed the page under review would otherwise approve their own text)."""
        state = getattr(obj, "current_workflow_state", None)
        if state is None or user is None or not user.is_authenticated:
            return False
        if state.requested_by_id == user.pk:
            return True
        task_state = state.current_task_state
        if task_state is None:
            return False
        if task_state.revision.user_id == user.pk:
            return True
        return Revision.objects.filter(
            user=user,
            base_content_type_id=state.base_content_type_id,
            object_id=state.object_id,
            created_at__gte=task_state.started_at,
        ).exists()

    def get_actions(self, obj, user):
        if self.is_submitter(obj, user):
            return []
        return super().get_actions(obj, user)

    def on_action(self, task_state, user, action_name, **kwargs):
        if self.is_submitter(task_state.workflow_state.content_object, user):
            raise PermissionDenied(SELF_APPROVAL_MESSAGE)
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        if not user.is_authenticated:
            return TaskState.objects.none()
        edited = Revision.objects.filter(
            user=user,
            base_content_type_id=OuterRef("workflow_state__base_content_type_id"),
            object_id=OuterRef("workflow_state__object_id"),
            created_at__gte=OuterRef("started_at"),
        )
        return (
            states.exclude(workflow_state__requested_by=user)
            .exclude(revision__user=user)
            .exclude(Exists(edited))
        )

"""The StreamField blocks of articles, events and standard pages: rich text, an image with its
caption and source, a link to a document, a quotation. Each renders with its own template in
`content/blocks/`, so the public look stays in the templates."""

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "hr"]


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label="Ảnh")
    alt = blocks.CharBlock(
        label="Mô tả ảnh cho người khiếm thị",
        max_length=250,
        help_text="Mô tả ngắn nội dung ảnh; để trống sẽ dùng tiêu đề của ảnh.",
        required=False,
    )
    caption = blocks.CharBlock(label="Chú thích", max_length=500, required=False)
    credit = blocks.CharBlock(
        label="Nguồn ảnh", max_length=200, required=False, help_text="Ví dụ: Văn phòng UBND tỉnh"
    )

    class Meta:
        icon = "image"
        label = "Ảnh có chú thích"
        template = "content/blocks/image.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label="Tài liệu")
    title = blocks.CharBlock(
        label="Tên hiển thị",
        max_length=250,
        required=False,
        help_text="Để trống sẽ dùng tên của tài liệu.",
    )

    class Meta:
        icon = "doc-full"
        label = "Tài liệu đính kèm"
        template = "content/blocks/document.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label="Trích dẫn")
    attribution = blocks.CharBlock(label="Người nói, nguồn", max_length=250, required=False)

    class Meta:
        icon = "openquote"
        label = "Trích dẫn"
        template = "content/blocks/quote.html"


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label="Đoạn văn", features=RICH_TEXT_FEATURES, template="content/blocks/paragraph.html"
    )
    image = CaptionedImageBlock()
    document = DocumentLinkBlock()
    quote = QuoteBlock()

    class Meta:
        label = "Nội dung"

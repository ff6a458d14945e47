"""`{% queue_rows rows %}`: the lines of the staff queue (`selectors.QueueRow`).

Written out here rather than by the template engine: the queue is the page officers reload all
day, and its 25 lines (about 350 variables) cost the engine a millisecond per page, and
`format_html` nearly as much (a lazy-aware escape per argument). Every value goes through
`html.escape`, which is what Django's `escape` calls; the headers stay in the template, with
the same words."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

_ROW = (
    "<tr>"
    '<th scope="row" data-label="{l_code}"><a href="{url}">{code}</a><br>'
    '<small class="wd-muted">{channel}</small></th>'
    '<td data-label="{l_procedure}">{procedure}</td>'
    '<td data-label="{l_status}"><span class="ds-status ds-status--{status}">{status_label}</span>'
    "</td>"
    '<td data-label="{l_submitted}" class="nowrap">{submitted}</td>'
    '<td data-label="{l_due}" class="nowrap">{due}</td>'
    '<td data-label="{l_left}" class="nowrap">{left}</td>'
    '<td data-label="{l_agency}">{agency}</td>'
    "</tr>\n"
)


def _due(row, rescheduled: str) -> str:
    if not row.due:
        return "—"
    late = ' class="ds-late"' if row.overdue else ""
    due = f"<span{late}>{escape(row.due)}</span>"
    if row.new_appointment:
        due += f"<br><small>{rescheduled} {escape(row.new_appointment)}</small>"
    return due


def _left(row) -> str:
    if row.left_class:
        return f'<span class="{escape(row.left_class)}">{escape(row.left)}</span>'
    return escape(row.left) or "—"


@register.simple_tag
def queue_rows(rows) -> SafeString:
    labels = {  # escaped once for the whole page
        "l_code": escape(_("Mã hồ sơ")),
        "l_procedure": escape(_("Thủ tục")),
        "l_status": escape(_("Trạng thái")),
        "l_submitted": escape(_("Nộp lúc")),
        "l_due": escape(_("Hạn trả")),
        "l_left": escape(_("Còn lại")),
        "l_agency": escape(_("Cơ quan đang xử lý")),
    }
    rescheduled = escape(_("hẹn lại"))
    return mark_safe(
        "".join(
            _ROW.format(
                **labels,
                url=escape(row.url),
                code=escape(row.code),
                channel=escape(row.channel),
                procedure=escape(row.procedure),
                status=int(row.status),
                status_label=escape(row.status_label),
                submitted=escape(row.submitted),
                due=_due(row, rescheduled),
                left=_left(row),
                agency=escape(row.agency),
            )
            for row in rows
        )
    )

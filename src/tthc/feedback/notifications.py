"""Messages to the sender: e-mail and SMS when the feedback is received (the acknowledgement),
refused, needs more information or is answered. Every message carries the code and the lookup
secret (the lookup page asks for both).

`schedule(feedback, kind)` is what the services call: the task is queued once the service's
transaction commits, so a rolled-back action sends nothing. This module imports no service (the
services import it), so the task layer stays on top: `tasks` → `services` → `notifications`.

SMS goes through the gateway the settings name (`TTHC_SMS_GATEWAY`; the gateways are those of the
dossiers app, `tthc.dossiers.sms`, which this app does not import): a short text with the code,
the lookup address and the secret.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from tthc.core import lookupcode
from tthc.feedback.models import Feedback
from tthc.workdays.engine import to_local

SUBJECTS = {
    "submitted": gettext_lazy("Đã nhận phản ánh, kiến nghị %(code)s"),
    "refused": gettext_lazy("Phản ánh, kiến nghị %(code)s không được tiếp nhận"),
    "supplement": gettext_lazy("Phản ánh, kiến nghị %(code)s: đề nghị bổ sung thông tin"),
    "published": gettext_lazy("Phản ánh, kiến nghị %(code)s đã có câu trả lời"),
}

# Without diacritics: one SMS segment holds 160 plain characters (70 with diacritics).
SMS_TEXTS = {
    "submitted": gettext_lazy("Da nhan PAKN %(code)s. Tra cuu: %(url)s"),
    "refused": gettext_lazy("PAKN %(code)s khong duoc tiep nhan. Xem ly do: %(url)s"),
    "supplement": gettext_lazy("PAKN %(code)s can bo sung thong tin. Xem: %(url)s"),
    "published": gettext_lazy("PAKN %(code)s da co cau tra loi. Xem: %(url)s"),
}


def schedule(feedback: Feedback, kind: str) -> None:
    """Queue the message `kind` (a key of `SUBJECTS`) to the sender after the commit."""
    transaction.on_commit(lambda: notify_sender_task.enqueue(feedback.pk, kind))


def lookup_url(feedback: Feedback) -> str:
    return f"{settings.TTHC_PUBLIC_BASE_URL.rstrip('/')}/phan-anh/tra-cuu/?ma={feedback.code}"


def _secret(feedback: Feedback) -> str:
    return lookupcode.display(feedback.lookup_secret)


def _sms(feedback: Feedback, kind: str) -> bool:
    if not feedback.sender_phone:
        return False
    text = SMS_TEXTS[kind] % {"code": feedback.code, "url": lookup_url(feedback)}
    if feedback.lookup_secret:
        text += " " + _("Ma tra cuu: %(secret)s") % {"secret": _secret(feedback)}
    import_string(settings.TTHC_SMS_GATEWAY)().send(feedback.sender_phone, text)
    return True


def _body(feedback: Feedback, kind: str) -> list[str]:
    last = feedback.events.order_by("-at", "-id").first()
    names = {"title": feedback.title, "code": feedback.code}
    lines = [_("Kính gửi Ông/Bà %(name)s,") % {"name": feedback.sender_name}, ""]
    if kind == "submitted":
        lines.append(_("Đã nhận phản ánh, kiến nghị “%(title)s” của Ông/Bà, mã %(code)s.") % names)
        lines.append(
            _("Hạn xử lý: %(due)s.") % {"due": f"{to_local(feedback.handle_due_at):%H:%M %d/%m/%Y}"}
            if feedback.handle_due_at
            else ""
        )
    elif kind == "published":
        lines += [
            _("Phản ánh, kiến nghị “%(title)s” (mã %(code)s) đã được trả lời:") % names,
            "",
            feedback.answer,
        ]
    elif kind == "refused":
        lines += [
            _("Phản ánh, kiến nghị “%(title)s” (mã %(code)s) không được tiếp nhận.") % names,
            _("Lý do: %(reason)s") % {"reason": last.note if last else ""},
        ]
    else:
        lines += [
            _(
                "Để xử lý phản ánh, kiến nghị “%(title)s” (mã %(code)s), đề nghị Ông/Bà bổ sung "
                "thông tin sau:"
            )
            % names,
            last.note if last else "",
        ]
    lines += ["", _("Tra cứu: %(url)s") % {"url": lookup_url(feedback)}]
    if feedback.lookup_secret:
        lines.append(
            _("Mã tra cứu (giữ riêng, nhập trên trang tra cứu cùng mã phản ánh): %(secret)s")
            % {"secret": _secret(feedback)}
        )
    return lines


@task()
def notify_sender_task(feedback_id: int, kind: str) -> dict:
    """E-mail and SMS to the sender (whichever contact was given)."""
    feedback = Feedback.objects.filter(pk=feedback_id).first()
    if feedback is None or kind not in SUBJECTS:
        return {"email": False, "sms": False}
    sms = _sms(feedback, kind)
    if not feedback.sender_email:
        return {"email": False, "sms": sms}
    send_mail(
        SUBJECTS[kind] % {"code": feedback.code},
        "\n".join(_body(feedback, kind)),
        settings.DEFAULT_FROM_EMAIL,
        [feedback.sender_email],
    )
    return {"email": True, "sms": sms}

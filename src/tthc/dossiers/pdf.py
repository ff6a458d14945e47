"""Official forms as PDF (Circular 03/2025/TT-VPCP, appendix I), rendered by WeasyPrint from
HTML templates in the state format of Decree 30/2020."""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tthc.core import lookupcode
from tthc.core.dates import fmt_date, fmt_time, long_date
from tthc.dossiers.models import Dossier


def lookup_url(dossier: Dossier) -> str:
    base = settings.TTHC_PUBLIC_BASE_URL.rstrip("/")
    return f"{base}{reverse('dossiers:lookup')}?{urlencode({'ma': dossier.code})}"


def fee_text(amount: int) -> str:
    """“150.000 đồng”; empty for no fee."""
    if not amount:
        return ""
    return _("%(amount)s đồng") % {"amount": f"{amount:,}".replace(",", ".")}


def _qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=3, border=1)


def receipt_html(dossier: Dossier) -> str:
    """'Giấy tiếp nhận hồ sơ và hẹn trả kết quả' (form 01) as HTML."""
    applicant = dossier.applicant
    url = lookup_url(dossier)
    received = dossier.received_at or dossier.submitted_at
    context = {
        "dossier": dossier,
        "applicant": applicant,
        "documents": list(dossier.documents.all()),
        "province": settings.TTHC_PROVINCE_NAME,
        "issued_on": long_date(received or timezone.now()),
        "received_time": fmt_time(received),
        "received_date": fmt_date(received),
        "appointment_time": fmt_time(dossier.appointment_at),
        "appointment_date": fmt_date(dossier.appointment_at),
        "lookup_url": url,
        "lookup_secret": lookupcode.display(dossier.lookup_secret),
        "qr": _qr_data_uri(url),
        "fee_text": fee_text(dossier.fee_due) or _("không thu"),
    }
    return render_to_string("dossiers/receipt.html", context)


def receipt_pdf(dossier: Dossier) -> bytes:
    from weasyprint import HTML  # heavy import, only when a PDF is made

    return HTML(string=receipt_html(dossier), base_url=str(settings.BASE_DIR)).write_pdf()

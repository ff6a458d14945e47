"""The receipt ('Giấy tiếp nhận hồ sơ và hẹn trả kết quả') as PDF."""

import pytest

from tthc.dossiers import pdf

pytestmark = pytest.mark.django_db


def test_receipt_pdf_has_header_code_and_appointment(received, travel, poppler):
    travel(2025, 1, 22, 10)
    dossier = received()
    data = pdf.receipt_pdf(dossier)
    assert data.startswith(b"%PDF")
    flat = " ".join(poppler.text(data, "-raw").split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert "Độc lập - Tự do - Hạnh phúc" in flat
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in flat
    assert dossier.code in flat
    assert "17 giờ 00 phút, ngày 05/02/2025" in flat
    assert "10 giờ 00 phút, ngày 22/01/2025" in flat
    assert "Nguyễn Văn An" in flat
    assert "Giấy chứng sinh" in flat


def test_receipt_qr_points_to_the_lookup(received):
    dossier = received()
    assert pdf.lookup_url(dossier).endswith(f"/tra-cuu-ho-so/?ma={dossier.code}")
    assert 'src="data:image/svg+xml' in pdf.receipt_html(dossier)

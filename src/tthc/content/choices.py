"""The portal's fixed lists: news categories and event kinds (stored on the pages, offered as
filters of their lists)."""

from django.db import models
from django.utils.translation import gettext_lazy


class Category(models.TextChoices):
    """The subjects the communication plan asks the portal to cover (DOMAIN §10)."""

    CONTROL = "kiem-soat-tthc", gettext_lazy("Kiểm soát thủ tục hành chính")
    ONE_STOP = "cai-cach-mot-cua", gettext_lazy("Cải cách TTHC, một cửa, một cửa liên thông")
    ONLINE = "dich-vu-cong-truc-tuyen", gettext_lazy("Dịch vụ công trực tuyến")
    RESULTS = "ket-qua-cai-cach", gettext_lazy("Kết quả cải cách thủ tục hành chính")
    EXEMPLARS = "sang-kien-guong-dien-hinh", gettext_lazy("Sáng kiến, gương điển hình")
    RIGHTS = "quyen-va-nghia-vu", gettext_lazy("Quyền và nghĩa vụ của công dân, cán bộ")
    TRAINING = "dao-tao-hoi-nghi", gettext_lazy("Đào tạo, hội nghị, học tập kinh nghiệm")


class EventKind(models.TextChoices):
    TRAINING = "tap-huan", gettext_lazy("Tập huấn")
    CONFERENCE = "hoi-nghi", gettext_lazy("Hội nghị")
    STUDY_VISIT = "hoc-tap-kinh-nghiem", gettext_lazy("Học tập kinh nghiệm")

"""SMS gateways, chosen by `TTHC_SMS_GATEWAY` (a dotted path): the logging gateway by default
(development, or no contract with a carrier yet), the HTTP adapter posting JSON to
`TTHC_SMS_URL` (most Vietnamese SMS brand-name providers accept such a call, often behind a small
proxy). A gateway raises on failure; the notification task then retries."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("tthc.dossiers.sms")


class SmsError(Exception):
    pass


class LoggingGateway:
    """Writes the message to the log instead of sending it."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS tới %s: %s", phone, text)


class HttpGateway:
    """POST `{"to": phone, "text": text, "sender": TTHC_SMS_SENDER}` as JSON to `TTHC_SMS_URL`,
    with `Authorization: Bearer TTHC_SMS_TOKEN` when a token is set; any 2xx is success."""

    def __init__(self, url: str | None = None, token: str | None = None, timeout: float = 10):
        self.url = url or settings.TTHC_SMS_URL
        self.token = token if token is not None else getattr(settings, "TTHC_SMS_TOKEN", "")
        self.timeout = timeout
        if not self.url:
            raise SmsError("Chưa cấu hình TTHC_SMS_URL cho cổng SMS.")

    def send(self, phone: str, text: str) -> None:
        body = {"to": phone, "text": text, "sender": getattr(settings, "TTHC_SMS_SENDER", "")}
        request = urllib.request.Request(
            self.url,
            data=json.dumps(body, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                if not 200 <= response.status < 300:
                    raise SmsError(f"Cổng SMS trả về mã {response.status}.")
        except urllib.error.URLError as exc:
            raise SmsError(f"Không gửi được SMS: {exc}") from exc


def gateway():
    return import_string(settings.TTHC_SMS_GATEWAY)()

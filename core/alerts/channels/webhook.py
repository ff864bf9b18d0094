"""A webhook that receives the alert as a JSON body (a WhatsApp gateway such as WAHA or Onesender)."""

from urllib.parse import urlsplit

import httpx

from core.alerts.channels.base import ChannelKind, SendFailed
from core.alerts.messages import Message
from core.errors import ValidationError
from db.monitoring import AlertChannel


def check(address: str, secret: str) -> tuple[str, str]:
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError("alert.webhook_url_invalid", field="address", value=address)
    return address, secret


def send(channel: AlertChannel, message: Message, settings, client: httpx.Client) -> None:
    headers = {"Authorization": f"Bearer {channel.secret}"} if channel.secret else {}
    response = client.post(channel.address, json=message.fields, headers=headers)
    if not response.is_success:
        raise SendFailed(f"webhook {response.status_code}: {response.text[:200]}")


CHANNEL = ChannelKind("webhook", check, send, order=30)

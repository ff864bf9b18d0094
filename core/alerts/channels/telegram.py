"""A Telegram chat through the Bot API (or a Bot API server of the city's own): chat id + bot token."""

import re

import httpx

from core.alerts.channels.base import ChannelKind, SendFailed
from core.alerts.messages import Message
from core.config import Settings
from core.errors import ValidationError
from db.monitoring import AlertChannel


def check(address: str, secret: str) -> tuple[str, str]:
    if not re.fullmatch(r"-?\d+|@[A-Za-z0-9_]{5,}", address):
        raise ValidationError("alert.telegram_chat_invalid", field="address", value=address)
    if not re.fullmatch(r"\d+:[A-Za-z0-9_-]{20,}", secret):
        raise ValidationError("alert.telegram_token_invalid", field="secret")
    return address, secret


def send(channel: AlertChannel, message: Message, settings: Settings, client: httpx.Client) -> None:
    url = f"{settings.telegram_api.rstrip('/')}/bot{channel.secret}/sendMessage"
    response = client.post(url, json={"chat_id": channel.address, "text": message.text,
                                      "disable_web_page_preview": True})
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code != 200 or not body.get("ok"):
        raise SendFailed(f"Telegram {response.status_code}: {body.get('description') or response.text[:200]}")


CHANNEL = ChannelKind("telegram", check, send, order=10)

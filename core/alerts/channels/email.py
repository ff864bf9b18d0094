"""E-mail over SMTP, upgraded with STARTTLS before logging in and sending; one or more addresses."""

import re
import smtplib
import ssl
from email.message import EmailMessage

import httpx

from core.alerts.channels.base import ChannelKind, SendFailed
from core.alerts.messages import Message
from core.config import Settings
from core.errors import ValidationError
from db.monitoring import AlertChannel

ADDRESS = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
TIMEOUT_S = 10.0


def check(address: str, secret: str) -> tuple[str, str]:
    addresses = [a.strip() for a in re.split(r"[,;]", address) if a.strip()]
    bad = [a for a in addresses if not ADDRESS.match(a)]
    if not addresses or bad:
        raise ValidationError("alert.email_invalid", field="address", value=", ".join(bad) or address)
    return ", ".join(addresses), secret


def send(channel: AlertChannel, message: Message, settings: Settings, client: httpx.Client) -> None:
    if not settings.smtp_host or not settings.smtp_from:
        raise SendFailed("SMTP is not configured (MONEV_SMTP_HOST, MONEV_SMTP_FROM)")
    mail = EmailMessage()
    mail["Subject"], mail["From"], mail["To"] = message.subject, settings.smtp_from, channel.address
    mail.set_content(message.text)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_S) as smtp:
        smtp.ehlo()
        if settings.smtp_starttls:
            context = ssl.create_default_context(cafile=settings.smtp_ca_file or None)
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.smtp_user:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            smtp.login(settings.smtp_user, password)
        smtp.send_message(mail)


CHANNEL = ChannelKind("email", check, send, order=20)

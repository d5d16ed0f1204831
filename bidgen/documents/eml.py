"""The e-mail draft of a confirmation memo: an ``.eml`` file built with the standard library.

The draft is deterministic (same inputs, byte-identical file): the ``Date`` header is the day
after the meeting at 09:00 in the meeting's time zone, the ``Message-ID`` is derived from the
deal id and the meeting date, and the MIME boundary from both as well.  ``X-Unsent: 1`` makes
mail clients (Outlook, Thunderbird) open the file as a draft ready to send.

* Subject: ``<topic>-<client>-<YYYYMMDD>`` (topic: the meeting's ``topic`` or the locale's
  "会谈确认函" / "會談確認函" / "Meeting confirmation"; date: the meeting date).
* To: the client contacts with an e-mail address who attended the meeting (matched by name);
  when none of them has one, every client contact with an address.
* From: the seller's contact.
* Body: a greeting of exactly the recipients, each as the locale addresses them (``Dear Mr. Al
  Mansoori and Ms. Raman,`` / ``张总，您好：``), the agreed terms (price in figures and words, delivery, payment schedule) and the
  confirmation request; the memo .docx is attached.

Time zone: the meeting's local time is the client's country's (else the seller's, else the
deal locale's territory) main time zone.  The meeting's time is not recorded, so it counts as
ending at 18:00 local time; the memo is late when produced more than 24 hours after that.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bidgen.docx.zipio import write_atomic
from bidgen.errors import InputError, RenderError
from bidgen.inputs.models import Deal, Meeting
from bidgen.paths import output_path, safe_component

from .common import DealFacts, name_greeting, person
from .agreed import AgreedTerms
from .memo_strings import memo_text
from .strings import join_list

__all__ = [
    "DOCX_MIME",
    "meeting_zone",
    "meeting_end",
    "late_warning",
    "Recipient",
    "STRICT",
    "header_text",
    "mail_address",
    "recipient_list",
    "recipients",
    "memo_subject",
    "mail_body",
    "build_message",
    "build_draft",
    "memo_eml",
    "write_memo_eml",
]

DOCX_MIME = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
MEETING_END = dt.time(18, 0)
SEND_AT = dt.time(9, 0)
LATE_AFTER = dt.timedelta(hours=24)
#: The main zone of countries with several (babel lists them alphabetically).
_MAIN_ZONES = {
    "US": "America/New_York", "CN": "Asia/Shanghai", "CA": "America/Toronto", "AU": "Australia/Sydney",
    "RU": "Europe/Moscow", "BR": "America/Sao_Paulo", "MX": "America/Mexico_City", "ID": "Asia/Jakarta",
    "KZ": "Asia/Almaty", "ES": "Europe/Madrid", "PT": "Europe/Lisbon", "DE": "Europe/Berlin",
    "MY": "Asia/Kuala_Lumpur", "AR": "America/Argentina/Buenos_Aires", "CL": "America/Santiago",
}


def _country(deal: Deal) -> str | None:
    if deal.client.country:
        return deal.client.country
    if deal.seller.country:
        return deal.seller.country
    parts = deal.locale.replace("-", "_").split("_")
    return parts[-1].upper() if len(parts) > 1 and len(parts[-1]) == 2 else None


def meeting_zone(deal: Deal) -> dt.tzinfo:
    """The meeting's time zone (see module doc); UTC when unknown."""
    from babel.core import get_global

    country = _country(deal)
    zones = list(get_global("territory_zones").get(country or "", ()))
    name = _MAIN_ZONES.get(country or "") or (zones[0] if zones else None)
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return dt.timezone.utc


def meeting_end(deal: Deal, meeting: Meeting) -> dt.datetime:
    """When the meeting counts as over: 18:00 local time on its date."""
    return dt.datetime.combine(meeting.date, MEETING_END, tzinfo=meeting_zone(deal))


def late_warning(deal: Deal, meeting: Meeting, now: dt.datetime | None = None) -> str | None:
    """A warning when ``now`` is more than 24 hours after the meeting, else None."""
    end = meeting_end(deal, meeting)
    if now is None:
        now = dt.datetime.now(dt.timezone.utc)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=end.tzinfo)
    hours = (now - end) / dt.timedelta(hours=1)
    if now - end <= LATE_AFTER:
        return None
    return (f"the memo for the meeting of {meeting.date.isoformat()} is produced {int(hours)} hours after it; "
            "confirmation memos go out within 24 hours of the meeting")


#: The policy drafts are built and written with: the stdlib's SMTP policy (CRLF line ends), raising
#: on any defect instead of repairing it silently.
STRICT = policy.SMTP.clone(raise_on_defect=True)

_SPACES_RE = re.compile(r"[\s\u0085\u2028\u2029\u200b\ufeff]+")
_UNPRINTABLE_RE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_ENCODED_WORD_RE = re.compile(r"=\?[^?\s]*\?[bBqQ]\?[^?\s]*\?=")
_ADDR_RE = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9]"
)


def header_text(value: str, field: str) -> str:
    """``value`` as one header line: every kind of line break and space run becomes one space,
    unprintable characters go.  A value that would still be read as an RFC 2047 encoded word
    (``=?utf-8?q?…?=``, which mail programs decode into other text, line breaks included) is a
    located InputError naming ``field``."""
    text = _UNPRINTABLE_RE.sub("", _SPACES_RE.sub(" ", value)).strip()
    if _ENCODED_WORD_RE.search(text):
        raise InputError("would be read as an e-mail encoded word ('=?utf-8?q?…?=') in the draft's headers: "
                         "write the text itself", field=field)
    return text


def mail_address(name: str, email: str, field: str) -> Address:
    """A structured address from a validated e-mail address and a display name (cleaned)."""
    if not _ADDR_RE.fullmatch(email or ""):
        raise InputError(f"not a valid e-mail address: {email!r}", field=f"{field}.email")
    user, _, domain = email.partition("@")
    return Address(display_name=header_text(name, f"{field}.name"), username=user, domain=domain)


@dataclass(frozen=True)
class Recipient:
    """A person the draft is addressed to: display name, validated address, and the input key it
    comes from (``client.contacts[1]`` or ``attendees.client[0]``)."""

    name: str
    email: str
    field: str

    def address(self) -> Address:
        return mail_address(self.name, self.email, self.field)


def _addresses(contacts: list[Any]) -> list[Address]:
    return [mail_address(c.name, c.email, "contact") for c in contacts]


def recipient_list(deal: Deal, meeting: Meeting) -> list[Recipient]:
    """The client contacts to write to (see module doc), as structured values; empty when none
    has an e-mail address.  Only validated addresses of contacts and attendees are used."""
    attended = {a.name.strip().casefold() for a in meeting.attendees.client}
    with_mail = [(i, c) for i, c in enumerate(deal.client.contacts) if c.email]
    known = {c.name.strip().casefold() for _, c in with_mail}
    # attendees whose e-mail the meeting record gives (and the deal does not)
    extra = [Recipient(a.name, a.email, f"attendees.client[{i}]") for i, a in enumerate(meeting.attendees.client)
             if a.email and a.name.strip().casefold() not in known]
    contacts = [Recipient(c.name, c.email, f"client.contacts[{i}]") for i, c in with_mail]  # type: ignore[arg-type]
    present = [r for r in contacts if r.name.strip().casefold() in attended] + extra
    return present or contacts


def recipients(deal: Deal, meeting: Meeting) -> list[Address]:
    """The addresses of :func:`recipient_list`."""
    return [r.address() for r in recipient_list(deal, meeting)]


def memo_subject(facts: DealFacts, meeting: Meeting) -> str:
    """``<topic>-<client>-<YYYYMMDD>``, as one clean header line (see :func:`header_text`)."""
    topic = header_text(meeting.topic or memo_text(facts.locale, "topic"), "topic")
    client = header_text(facts.deal.client.name, "client.name")
    return header_text(f"{topic}-{client}-{meeting.date:%Y%m%d}", "topic")


def greeted(facts: DealFacts, meeting: Meeting, to: list[Address]) -> list[str]:
    """How the body greets each recipient, in the order of ``To``: ``Mr. Al Mansoori`` / ``张总``.

    Exactly the recipients are greeted (never an attendee the mail does not go to); each is
    matched to the meeting's attendee and the deal's contact of the same address or name, whose
    salutation, title and surname shape the greeting (see ``bidgen.words.people``)."""
    out = []
    for address in to:
        mail = address.addr_spec.casefold()
        name = (address.display_name or "").strip().casefold()

        def same(p: Any) -> bool:
            return bool((p.email and p.email.casefold() == mail) or (name and p.name.strip().casefold() == name))

        attendee = next((a for a in meeting.attendees.client if same(a)), None)
        contact = next((c for c in facts.deal.client.contacts if same(c)), None)
        who = person(attendee, contact)
        out.append(name_greeting(facts, who) if who is not None else (address.display_name or address.addr_spec))
    return out


def _names(facts: DealFacts, meeting: Meeting, to: list[Address]) -> str:
    return join_list(facts.locale, greeted(facts, meeting, to)) or facts.deal.client.name


def _term_lines(facts: DealFacts, terms: AgreedTerms, agreed: dict[str, Any]) -> list[str]:
    t = lambda key, **f: memo_text(facts.locale, key, **f)  # noqa: E731
    lines: list[str] = []
    money = agreed["price_prefix"] + "{}" + agreed["price_suffix"]
    if terms.price is not None:
        lines.append(t("mail.price", price=money.format(agreed["price"]), note=agreed["price_note"],
                       words=agreed["price_words"]))
    elif agreed["range"]:
        lines.append(t("mail.range", range=agreed["range"]))
    else:
        lines.append(t("mail.price", price=money.format(agreed["quoted_total"]), note=agreed["price_note"],
                       words=agreed["quoted_words"]) + agreed["quoted_note"])
    if terms.delivery_days is not None:
        lines.append(t("mail.delivery", days=agreed["delivery_days"]) + agreed["delivery_note"])
    if terms.warranty_agreed and terms.warranty_months is not None:
        lines.append(t("mail.warranty", months=agreed["warranty_months"]))
    lines.append(t("mail.payment") + agreed["payment_note"])
    numbered = [f"{i}. {line}" for i, line in enumerate(lines, start=1)]
    for row in agreed["milestones"]:
        key = "mail.milestone" if terms.amounts else "mail.milestone.noamount"
        amount = money.format(row["amount"])
        due = row["due"][:1].lower() + row["due"][1:] if facts.locale == "en_US" else row["due"]
        numbered.append("   " + t(key, no=row["no"], name=row["name"], percent=row["percent"], amount=amount,
                                  due=due))
    for other in agreed["other"]:
        numbered.append(f"{len(lines) + 1}. {other}")
        lines.append(other)
    return numbered


def _signature(facts: DealFacts) -> list[str]:
    seller = facts.deal.seller
    c = seller.contact
    if c is None:
        return [seller.name]
    reach = " | ".join(x for x in (c.phone, c.email) if x)
    return [x for x in (c.name, c.title or "", seller.name, reach) if x]


def mail_body(facts: DealFacts, meeting: Meeting, terms: AgreedTerms, ctx: dict[str, Any],
              to: list[Address], filename: str) -> str:
    """The plain-text body: greeting, the agreed terms, the attachment, the confirmation request."""
    t = lambda key, **f: memo_text(facts.locale, key, **f)  # noqa: E731
    lines = [t("mail.greeting", names=_names(facts, meeting, to)), "",
             t("mail.thanks", date=ctx["meeting"]["date"]), ""]
    lines += _term_lines(facts, terms, ctx["agreed"])
    lines += ["", t("mail.attached", file=filename), t("mail.confirm", date=ctx["meeting"]["confirm_by"]), "",
              t("mail.closing"), ""]
    lines += _signature(facts)
    return "\n".join(lines) + "\n"


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def expected_headers(msg: EmailMessage) -> list[str]:
    """The header names a draft has, in order (what a parse of its bytes must give back)."""
    return list(msg.keys())


def build_message(facts: DealFacts, meeting: Meeting, terms: AgreedTerms, ctx: dict[str, Any],
                  attachment: bytes, filename: str) -> tuple[EmailMessage, list[str]]:
    """The draft message with the memo attached, and warnings (see :func:`build_draft`)."""
    msg, _data, warnings = build_draft(facts, meeting, terms, ctx, attachment, filename)
    return msg, warnings


def build_draft(facts: DealFacts, meeting: Meeting, terms: AgreedTerms, ctx: dict[str, Any],
                attachment: bytes, filename: str) -> tuple[EmailMessage, bytes, list[str]]:
    """The draft message with the memo attached, and warnings (e.g. no recipient address).

    Headers are set from structured values (:class:`Address` objects, cleaned one-line text) under
    the strict policy; the finished draft is parsed back and must show exactly the headers and
    recipients meant, else RenderError."""
    deal = facts.deal
    warnings: list[str] = []
    msg = EmailMessage(policy=STRICT)
    msg["Subject"] = memo_subject(facts, meeting)
    contact = deal.seller.contact
    sender: Address | None = None
    if contact is not None and contact.email:
        sender = mail_address(contact.name, contact.email, "seller.contact")
        msg["From"] = sender
    else:
        warnings.append("the seller has no contact e-mail: fill in From before sending the .eml draft")
    to = recipients(deal, meeting)
    if to:
        msg["To"] = to
    else:
        warnings.append(f"no contact of {header_text(deal.client.name, 'client.name')} has an e-mail address: "
                        "fill in To before sending the .eml draft")
    send = dt.datetime.combine(meeting.date + dt.timedelta(days=1), SEND_AT, tzinfo=meeting_zone(deal))
    msg["Date"] = format_datetime(send)
    domain = sender.domain if sender is not None else "bidgen.invalid"
    msg["Message-ID"] = f"<memo.{safe_component(deal.id)}.{meeting.date:%Y%m%d}@{domain}>"
    msg["X-Unsent"] = "1"
    body = mail_body(facts, meeting, terms, ctx, to, filename)
    msg.set_content(body)
    msg.add_attachment(attachment, maintype=DOCX_MIME[0], subtype=DOCX_MIME[1], filename=filename)
    # the boundary depends on the content, so no value in the body can contain it
    salt = 0
    while True:
        boundary = "bidgen-" + _digest(deal.id, meeting.date.isoformat(), filename, body, str(salt),
                                       hashlib.sha256(attachment).hexdigest())[:32]
        if boundary not in body:
            break
        salt += 1  # pragma: no cover - a sha256 prefix in the body
    msg.set_boundary(boundary)
    data = _verify(msg, sender, to)
    return msg, data, warnings


def _verify(msg: EmailMessage, sender: Address | None, to: list[Address], data: bytes | None = None) -> bytes:
    """Parse the draft back: exactly the headers set, the recipients meant, two MIME parts.

    Returns the draft's bytes (serialised once, and those very bytes are what is checked).
    The headers are parsed back in full; the body only as far as its MIME structure: the
    closing boundary and exactly two parts (a body with the boundary cannot occur, see above).
    """
    from email.parser import BytesHeaderParser

    if data is None:
        data = msg.as_bytes(policy=STRICT)
    end = min((i for i in (data.find(b"\r\n\r\n"), data.find(b"\n\n")) if i >= 0), default=len(data))
    try:
        back = BytesHeaderParser(policy=policy.default).parsebytes(data[: end + 1])  # the header block
        subject = back["Subject"]
        back_to = [("", a.addr_spec) for a in back["To"].addresses] if back["To"] is not None else []
        back_from = [("", a.addr_spec) for a in back["From"].addresses] if back["From"] is not None else []
    except Exception as exc:  # noqa: BLE001 - any failure here means the draft is not what was meant
        raise RenderError(f"the e-mail draft does not parse back: {exc}") from exc
    wrong: list[str] = []
    boundary = msg.get_boundary()
    if boundary is None or back.get_boundary() != boundary:
        wrong.append("MIME boundary")
    else:
        marker = b"\n--" + boundary.encode("ascii")
        parts = data.count(marker + b"\n") + data.count(marker + b"\r\n")
        if parts != 2 or data.count(marker + b"--") != 1:
            wrong.append("MIME parts")
    if [k.lower() for k in back.keys()] != [k.lower() for k in msg.keys()]:
        wrong.append(f"headers {list(back.keys())} instead of {list(msg.keys())}")
    got_to = [addr for _name, addr in back_to]
    if got_to != [a.addr_spec for a in to]:
        wrong.append(f"recipients {got_to}")
    if sender is not None and [addr for _name, addr in back_from] != [sender.addr_spec]:
        wrong.append("sender")
    if subject != msg["Subject"]:
        wrong.append("subject")
    if wrong:
        raise RenderError("the e-mail draft would not say what was meant: " + "; ".join(wrong))
    return data


def memo_eml(facts: DealFacts, meeting: Meeting, terms: AgreedTerms, ctx: dict[str, Any],
             attachment: bytes, docx_path: Path, *, meeting_file: str | Path | None = None,
             ) -> tuple[Path, bytes, list[str]]:
    """The ``.eml`` draft beside the memo ``docx_path`` (attaching ``attachment``), in memory:
    its path, its bytes and warnings."""
    _msg, data, warnings = build_draft(facts, meeting, terms, ctx, attachment, docx_path.name)
    out = output_path(docx_path.parent, "memo", facts.deal.client.code, meeting.date, ext=".eml")
    return out, data, warnings


def write_memo_eml(facts: DealFacts, meeting: Meeting, terms: AgreedTerms, ctx: dict[str, Any],
                   docx_path: Path) -> tuple[Path, list[str]]:
    """Write ``<memo name>.eml`` beside the memo, attaching it; returns the path and warnings."""
    out, data, warnings = memo_eml(facts, meeting, terms, ctx, docx_path.read_bytes(), docx_path)
    return write_atomic(out, data), warnings

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

import base64
import binascii
import datetime as dt
import functools
import hashlib
import re
from dataclasses import dataclass
from email import policy
from email._encoded_words import encode as _ew_encode  # the generator's own encoder
from email._encoded_words import encode_q as _ew_encode_q
from email.contentmanager import _encode_text  # the body encoding set_content chooses
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bidgen.docx.zipio import write_atomic
from bidgen.errors import InputError, RenderError
from bidgen.limits import strip_unprintable
from bidgen.inputs.models import Deal, Meeting
from bidgen.paths import ascii_component, output_path, safe_component

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
    "draft_bytes",
    "stdlib_draft",
    "HEADERS",
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
    # the reader already removed unprintable and disguising characters (bidgen.limits); models built
    # in code did not pass it, so a header applies the same rule once more
    text = strip_unprintable(_UNPRINTABLE_RE.sub("", _SPACES_RE.sub(" ", value))).strip()
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


#: The draft's headers, in order (what the writer writes and the check demands back).
HEADERS = ("Subject", "From", "To", "Date", "Message-ID", "X-Unsent", "MIME-Version", "Content-Type")
_MAXLEN = STRICT.max_line_length  # 78
_CRLF = "\r\n"


@dataclass(frozen=True)
class _Draft:
    """What a draft is meant to say: the check compares the written bytes with this."""

    subject: str
    sender: Address | None
    to: list[Address]
    date: str
    message_id: str
    body: str
    attachment: bytes
    filename: str
    boundary: str


def _plan(facts: DealFacts, meeting: Meeting, terms: AgreedTerms, ctx: dict[str, Any],
          attachment: bytes, filename: str) -> tuple[_Draft, list[str]]:
    """Everything the draft says, from structured values (see :func:`build_draft`), and warnings."""
    deal = facts.deal
    warnings: list[str] = []
    subject = memo_subject(facts, meeting)
    contact = deal.seller.contact
    sender: Address | None = None
    if contact is not None and contact.email:
        sender = mail_address(contact.name, contact.email, "seller.contact")
    else:
        warnings.append("the seller has no contact e-mail: fill in From before sending the .eml draft")
    to = recipients(deal, meeting)
    if not to:
        warnings.append(f"no contact of {header_text(deal.client.name, 'client.name')} has an e-mail address: "
                        "fill in To before sending the .eml draft")
    send = dt.datetime.combine(meeting.date + dt.timedelta(days=1), SEND_AT, tzinfo=meeting_zone(deal))
    domain = sender.domain if sender is not None else "bidgen.invalid"
    message_id = f"<memo.{ascii_component(deal.id)}.{meeting.date:%Y%m%d}@{domain}>"
    body = mail_body(facts, meeting, terms, ctx, to, filename)
    # the boundary depends on the content, so no value in the body can contain it
    salt = 0
    attachment_hash = hashlib.sha256(attachment).hexdigest()
    while True:
        boundary = "bidgen-" + _digest(deal.id, meeting.date.isoformat(), filename, body, str(salt),
                                       attachment_hash)[:32]
        if boundary not in body:
            break
        salt += 1  # pragma: no cover - a sha256 prefix in the body
    return _Draft(subject, sender, to, format_datetime(send), message_id, body, attachment, filename,
                  boundary), warnings


def build_message(facts: DealFacts, meeting: Meeting, terms: AgreedTerms, ctx: dict[str, Any],
                  attachment: bytes, filename: str) -> tuple[EmailMessage, list[str]]:
    """The draft message with the memo attached, and warnings (see :func:`build_draft`)."""
    msg, _data, warnings = build_draft(facts, meeting, terms, ctx, attachment, filename)
    return msg, warnings


def build_draft(facts: DealFacts, meeting: Meeting, terms: AgreedTerms, ctx: dict[str, Any],
                attachment: bytes, filename: str) -> tuple[EmailMessage, bytes, list[str]]:
    """The draft message with the memo attached (as read back from its bytes), its bytes, and
    warnings (e.g. no recipient address).  See :func:`draft_bytes`."""
    import email

    data, warnings = draft_bytes(facts, meeting, terms, ctx, attachment, filename)
    msg = email.message_from_bytes(data, _class=EmailMessage, policy=policy.SMTP)  # checked already
    return msg, data, warnings  # type: ignore[return-value]


def draft_bytes(facts: DealFacts, meeting: Meeting, terms: AgreedTerms, ctx: dict[str, Any],
                attachment: bytes, filename: str) -> tuple[bytes, list[str]]:
    """The ``.eml`` draft's bytes and warnings.

    Headers come from structured values (:class:`Address` objects, cleaned one-line text).  The
    bytes are those the standard library's generator writes for the message under the strict SMTP
    policy (:func:`stdlib_draft` builds it that way; a test proves both equal, byte for byte); they
    are written directly here, each header folded by the standard library unless it is of a
    shape whose folding is plain (see :func:`_fold_header`), because building and serialising an
    ``EmailMessage`` costs several times more.  The finished header block is then read back by
    a strict parser of its own (:func:`_check`) and must show exactly the headers, subject,
    sender and recipients meant and two MIME parts, else RenderError; whatever that parser does
    not understand is read back by the standard library's parser instead, as before.

    A subject the standard library would fold so that it no longer decodes to itself (it drops a
    space between two encoded words: long subjects mixing CJK, Latin and spaces) is written as
    encoded words only, which decode to exactly the subject."""
    plan, warnings = _plan(facts, meeting, terms, ctx, attachment, filename)
    data = _write(plan)
    _check(data, plan)
    return data, warnings


# --------------------------------------------------------------------------- writing the bytes

_PLAIN_RE = re.compile(r"[A-Za-z0-9!#$%&'*+,./:;<>@\[\]^_`{|}~()-]+(?: [A-Za-z0-9!#$%&'*+,./:;<>@\[\]^_`{|}~()-]+)*")
_ATOMS_RE = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?: [A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_MSGID_RE = re.compile(r"<[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*>")
_FILENAME_RE = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*")


#: The bytes ``q`` encoding writes as one character (letters, digits, ``-!*+/``, space as ``_``);
#: every other byte takes three (``=XX``).
_Q_ONE = bytes(b for b in range(256) if len(_ew_encode_q(bytes([b]))) == 1)


def _ew(text: str) -> str:
    """``text`` as one RFC 2047 encoded word, as the standard library writes it (utf-8; ``q`` unless
    ``b`` is shorter by five characters or more: the lengths compared here in C, where the standard
    library counts ``q`` byte by byte)."""
    data = text.encode("utf-8")
    q_len = len(data) + 2 * len(data.translate(None, _Q_ONE))
    b_len = (len(data) + 2) // 3 * 4
    return _ew_encode(text, charset="utf-8", encoding="q" if q_len - b_len < 5 else "b")


def _ew_fold(prefix: str, text: str) -> str:
    """``prefix`` followed by ``text`` as encoded words only, folded into lines of at most 78
    characters: the standard library's ``_fold_as_ew`` for a run of text without white space
    (chunks of whole characters; each chunk as long as fits).  The white space between two
    encoded words is not part of the text, so the lines decode to exactly ``text``."""
    lines = [prefix]
    chrome = len("utf-8") + 7
    while text:
        remaining = _MAXLEN - len(lines[-1])
        space = remaining - chrome
        if space <= 0:
            lines.append(" ")
            continue
        chunk = text[:space]
        word = _ew(chunk)
        while len(word) > remaining:
            chunk = chunk[:-1]
            word = _ew(chunk)
        lines[-1] += word
        text = text[len(chunk):]
        if text:
            lines.append(" ")
    return _CRLF.join(lines) + _CRLF


def _stdlib_fold(name: str, value: Any) -> str:
    """One header as the standard library's generator writes it under :data:`STRICT`."""
    return STRICT.header_factory(name, value).fold(policy=STRICT)


@functools.lru_cache(maxsize=2048)
def _stdlib_fold_cached(name: str, value: Any) -> str:
    """:func:`_stdlib_fold`, once per process for each value (a tuple of ``(display name, user,
    domain)`` for an address list)."""
    if isinstance(value, tuple):
        return _address_key_fold(name, value)
    return _stdlib_fold(name, value)


def _address_text(address: Address, first: bool) -> str | None:
    """A mailbox as the standard library writes it in an address list when its folding is plain,
    else None: a display name of atoms separated by single spaces (ASCII, written as it is), or
    one run of text without white space, specials or ``=?`` holding a non-ASCII character (one
    encoded word); the address a validated one (a dot-atom local part).  Every mailbox after the
    first starts with the space after the comma."""
    spec = address.addr_spec
    if not _ADDR_RE.fullmatch(spec):
        return None
    lead = "" if first else " "
    name = address.display_name
    if not name:
        return lead + spec
    if name.isascii():
        return f"{lead}{name} <{spec}>" if _ATOMS_RE.fullmatch(name) and "=?" not in name else None
    if not _NAME_SPECIALS.isdisjoint(name) or "=?" in name:
        return None
    return f"{lead}{_ew(name)} <{spec}>"


#: Characters that make the standard library quote a display name, or read it otherwise.
_NAME_SPECIALS = frozenset('()<>@,:;.\\"[] \t')


def _fold_addresses(name: str, addresses: tuple[Address, ...]) -> str:
    """``From`` / ``To`` folded as the standard library folds an address list of plain mailboxes
    (see :func:`_address_text`): the list after ``Name: `` when it fits; else on a line of its own
    when it fits there; else each mailbox where it fits, or at the start of the next line (after
    the comma).  Any other shape (a mailbox longer than a line, a line exactly full) is folded by
    the standard library itself."""
    pieces = [_address_text(a, i == 0) for i, a in enumerate(addresses)]
    key = tuple((a.display_name, a.username, a.domain) for a in addresses)
    if not pieces or any(p is None for p in pieces):
        return _stdlib_fold_checked(name, key)
    label = f"{name}: "
    whole = ",".join(pieces)  # type: ignore[arg-type]
    # A piece that does not fit moves to the next line: a plain one when it fits there with one
    # character to spare; one with an encoded name (the library folds it on its own first) when it
    # fits in a line.  The whole list likewise, by whether any name is encoded.
    encoded = [bool(a.display_name) and not a.display_name.isascii() for a in addresses]
    if len(label) + len(whole) <= _MAXLEN:
        return label + whole + _CRLF
    if len(whole) <= (_MAXLEN if any(encoded) else _MAXLEN - 1):
        return f"{name}:{_CRLF} {whole}{_CRLF}"
    lines = [label]
    for i, piece in enumerate(pieces):
        assert piece is not None
        if len(lines[-1]) + len(piece) <= _MAXLEN:
            lines[-1] += piece
        else:
            if len(piece) > (_MAXLEN if encoded[i] else _MAXLEN - 1):
                return _stdlib_fold_checked(name, key)
            if i == 0:
                lines[-1] = name + ":"
                piece = " " + piece
            lines.append(piece)
        if i < len(pieces) - 1:
            if len(lines[-1]) >= _MAXLEN:
                return _stdlib_fold_checked(name, key)
            lines[-1] += ","
    return _CRLF.join(lines) + _CRLF


@functools.lru_cache(maxsize=2048)
def _stdlib_fold_checked(name: str, key: tuple[tuple[str, str, str], ...]) -> str:
    """The standard library's folding of an address list, unless it would not read back as the
    addresses meant (it writes the comma after a mailbox longer than a line as an encoded word,
    which a reader takes for part of the next display name): then each mailbox on a line of its
    own, its display name as encoded words (which decode to exactly the name), the address
    after it as it is (a line longer than 78 characters when the address is, as RFC 5322 allows)."""
    folded = _stdlib_fold_cached(name, key)
    meant = [f"{u}@{h}" for _d, u, h in key]
    back = _mailboxes(_unfold(folded))
    if back is None:
        from email.parser import HeaderParser

        try:
            header = HeaderParser(policy=policy.default).parsestr(folded + _CRLF)[name]
            back = [a.addr_spec for a in header.addresses] if header is not None else []
        except Exception:  # noqa: BLE001 - unreadable: not what was meant
            back = []
    if back == meant:
        return folded
    lines: list[str] = []
    for i, (display, user, host) in enumerate(key):
        prefix = f"{name}: " if i == 0 else " "
        spec = f"{user}@{host}"
        if display:
            text = _ew_fold(prefix, display)[: -len(_CRLF)]
            if len(text.rsplit(_CRLF, 1)[-1]) + len(spec) + 3 > _MAXLEN:
                text += _CRLF + " "
            else:
                text += " "
            text += f"<{spec}>"
        else:
            text = prefix + spec
        lines.append(text + ("," if i < len(key) - 1 else ""))
    return _CRLF.join(lines) + _CRLF


def _address_key_fold(name: str, key: tuple[tuple[str, str, str], ...]) -> str:
    return _stdlib_fold(name, [Address(display_name=d, username=u, domain=h) for d, u, h in key])


def _fold_header(name: str, value: Any) -> str:
    """One header of the draft, folded exactly as the standard library folds it: written directly
    when its shape folds plainly (one line of plain ASCII; a subject of one run of text without
    white space, as encoded words; mailboxes as in :func:`_fold_addresses`), else by the standard
    library itself."""
    if name == "Subject":
        text = value
        if (text.isascii() and _PLAIN_RE.fullmatch(text) and "=?" not in text
                and len(name) + 2 + len(text) <= _MAXLEN):
            return f"{name}: {text}{_CRLF}"
        if text and not text.isascii() and " " not in text and "\t" not in text and "=?" not in text:
            return _ew_fold(f"{name}: ", text)
        folded = _stdlib_fold(name, text)
        back = _unstructured(_unfold(folded))
        if back is not None and back != text:
            # the standard library's folding would not read back as the subject (it drops the
            # space between two encoded words, or leads with one): encoded words only
            return _ew_fold(f"{name}: ", text)
        return folded
    if name in ("From", "To"):
        return _fold_addresses(name, tuple(value))
    if name == "Message-ID" and _MSGID_RE.fullmatch(value) and len(name) + 2 + len(value) <= _MAXLEN:
        return f"{name}: {value}{_CRLF}"
    return _stdlib_fold_cached(name, value)


def _fold_date(value: str) -> str:
    from email.utils import parsedate_to_datetime

    if (_PLAIN_RE.fullmatch(value) and len(value) + 6 <= _MAXLEN
            and format_datetime(parsedate_to_datetime(value)) == value):
        return f"Date: {value}{_CRLF}"
    return _stdlib_fold_cached("Date", value)


def _base64_lines(data: bytes) -> bytes:
    """``data`` in base64, 76 characters a line, each line ending in CRLF (as the generator
    writes a base64 body under a 78-character policy)."""
    step = _MAXLEN // 4 * 4
    if step == 76:  # base64.encodebytes writes lines of 76 characters (in C), each ending in LF
        return base64.encodebytes(data).replace(b"\n", b"\r\n")
    encoded = base64.b64encode(data)
    return b"".join(encoded[i:i + step] + b"\r\n" for i in range(0, len(encoded), step))


def _crlf_lines(text: str) -> bytes:
    """A body the generator writes line by line: every line end becomes CRLF; a last line without
    a line end stays without one."""
    lines = _NL_RE.split(text)
    out = "\r\n".join(lines)
    return out.encode("ascii", "surrogateescape")


_NL_RE = re.compile(r"\r\n|\r|\n")


def _write(plan: _Draft) -> bytes:
    """The draft's bytes: what ``_stdlib_message(plan).as_bytes(policy=STRICT)`` gives, written
    directly (headers folded by :func:`_fold_header`).  A file name other than letters, digits,
    ``_``, ``-`` and dots (the memo's are: see :func:`bidgen.paths.output_path`) is left to the
    standard library entirely (it quotes or encodes such names)."""
    if not _FILENAME_RE.fullmatch(plan.filename):
        return _stdlib_bytes(plan)
    head = [_fold_header("Subject", plan.subject)]
    if plan.sender is not None:
        head.append(_fold_header("From", [plan.sender]))
    if plan.to:
        head.append(_fold_header("To", plan.to))
    head.append(_fold_date(plan.date))
    head.append(_fold_header("Message-ID", plan.message_id))
    head.append(f"X-Unsent: 1{_CRLF}MIME-Version: 1.0{_CRLF}")
    head.append(f'Content-Type: multipart/mixed;{_CRLF} boundary="{plan.boundary}"{_CRLF}')
    cte, payload = _encode_text(plan.body, "utf-8", None, STRICT)
    mime = DOCX_MIME[0] + "/" + DOCX_MIME[1]
    disposition = f'Content-Disposition: attachment; filename="{plan.filename}"'
    if len(disposition) > _MAXLEN:
        disposition = _stdlib_fold_cached("Content-Disposition", disposition.partition(": ")[2])
    else:
        disposition += _CRLF
    marker = f"--{plan.boundary}{_CRLF}"
    parts = [
        "".join(head).encode("ascii"), b"\r\n",
        marker.encode("ascii"),
        f'Content-Type: text/plain; charset="utf-8"{_CRLF}Content-Transfer-Encoding: {cte}{_CRLF}{_CRLF}'
        .encode("ascii"),
        _crlf_lines(payload),
        f"{_CRLF}{marker}".encode("ascii"),
        f"Content-Type: {mime}{_CRLF}Content-Transfer-Encoding: base64{_CRLF}{disposition}"
        f"MIME-Version: 1.0{_CRLF}{_CRLF}".encode("ascii"),
        _base64_lines(plan.attachment),
        f"{_CRLF}--{plan.boundary}--{_CRLF}".encode("ascii"),
    ]
    return b"".join(parts)


def _stdlib_message(plan: _Draft) -> EmailMessage:
    msg = EmailMessage(policy=STRICT)
    msg["Subject"] = plan.subject
    if plan.sender is not None:
        msg["From"] = plan.sender
    if plan.to:
        msg["To"] = plan.to
    msg["Date"] = plan.date
    msg["Message-ID"] = plan.message_id
    msg["X-Unsent"] = "1"
    msg.set_content(plan.body)
    msg.add_attachment(plan.attachment, maintype=DOCX_MIME[0], subtype=DOCX_MIME[1], filename=plan.filename)
    msg.set_boundary(plan.boundary)
    return msg


def _stdlib_bytes(plan: _Draft) -> bytes:
    return _stdlib_message(plan).as_bytes(policy=STRICT)


def stdlib_draft(facts: DealFacts, meeting: Meeting, terms: AgreedTerms, ctx: dict[str, Any],
                 attachment: bytes, filename: str) -> tuple[bytes, list[str]]:
    """The draft built the plain way: an ``EmailMessage`` under :data:`STRICT`, serialised by the
    standard library and its header block parsed back by the standard library's parser.  The
    reference :func:`draft_bytes` must equal byte for byte (tests) and the "before" of
    ``bench/bench_eml.py``; not used to write drafts."""
    plan, warnings = _plan(facts, meeting, terms, ctx, attachment, filename)
    data = _stdlib_bytes(plan)
    _check_stdlib(data, plan)
    return data, warnings


# --------------------------------------------------------------------------- reading them back

_HEADER_LINE_RE = re.compile(r"([!-9;-~]+): ?(.*)")
_EW_RE = re.compile(r"=\?utf-8\?([bBqQ])\?([^?\s]*)\?=", re.IGNORECASE)
_Q_RE = re.compile(r"(?:[A-Za-z0-9!*+/_-]|=[0-9A-F]{2})*")
_B64_RE = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")
_WORD = r'(?:[A-Za-z0-9!#$%&\'*+/=?^_`{|}~-]+|"(?:[^"\\]|\\[ -~])*")'
_MAILBOX_RE = re.compile(
    rf"(?:(?P<phrase>{_WORD}(?:[ \t]+{_WORD})*)[ \t]*)?<(?P<addr>[^<>\s]+)>|(?P<bare>[^<>\s,\"]+)")


def _unfold(folded: str) -> str:
    """A header's value as a reader sees it: CRLF removed, the blanks after the colon dropped."""
    first, _, rest = folded.partition(":")
    return (rest.lstrip(" \t")).replace(_CRLF, "")


def _decode_ew(kind: str, payload: str) -> str | None:
    if kind in "qQ":
        if not _Q_RE.fullmatch(payload):
            return None
        raw = re.sub(r"=([0-9A-F]{2})", lambda m: chr(int(m.group(1), 16)),
                     payload.replace("_", " ")).encode("latin-1")
    else:
        if not _B64_RE.fullmatch(payload):
            return None
        raw = binascii.a2b_base64(payload.encode("ascii"), strict_mode=True)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _unstructured(value: str) -> str | None:
    """An unstructured header value decoded as a mail program reads it (RFC 2047: encoded words
    decoded, white space between two encoded words dropped, all other text as it stands), or None
    when it holds anything beyond plain words and whole utf-8 encoded words."""
    out: list[str] = []
    blank = ""
    after_ew = False
    for token in re.split(r"([ \t]+)", value):
        if not token:
            continue
        if token[0] in " \t":
            blank = token
            continue
        m = _EW_RE.fullmatch(token)
        if m:
            text = _decode_ew(m.group(1), m.group(2))
            if text is None:
                return None
            if not after_ew:
                out.append(blank)
            out.append(text)
            after_ew = True
        elif "=?" in token:
            return None
        else:
            out.append(blank)
            out.append(token)
            after_ew = False
        blank = ""
    out.append(blank)
    return "".join(out)


def _mailboxes(value: str) -> list[str] | None:
    """The addresses of a header's mailbox list, or None when it holds anything beyond
    ``[display name] <address>`` and bare addresses separated by commas (display names of atoms,
    quoted strings or encoded words)."""
    addresses: list[str] = []
    pos = 0
    while True:
        m = _MAILBOX_RE.match(value, pos)
        if m is None:
            return None
        phrase = m.group("phrase") or ""
        if "=?" in phrase and any(_EW_RE.fullmatch(w) is None and "=?" in w for w in phrase.split()):
            return None
        for word in phrase.split():
            ew = _EW_RE.fullmatch(word)
            if ew and _decode_ew(ew.group(1), ew.group(2)) is None:
                return None
        addr = m.group("addr") or m.group("bare")
        if not _ADDR_RE.fullmatch(addr):
            return None
        addresses.append(addr)
        pos = m.end()
        if pos == len(value):
            return addresses
        sep = re.compile(r",[ \t]*").match(value, pos)
        if sep is None:
            return None
        pos = sep.end()


def _read_head(data: bytes) -> list[tuple[str, str]] | None:
    """The header block of ``data`` as (name, folded text) pairs, each ``Name: value`` line with
    its continuation lines; None when a line is neither.  RenderError when the block is anything
    but lines of printable 7-bit text each ending in CRLF (what the strict SMTP policy writes: a
    bare CR or LF, a control character or an 8-bit byte means the draft is not what was meant)."""
    end = data.find(b"\r\n\r\n")
    block = data[:end + 2] if end >= 0 else data
    lines = block.split(b"\r\n")[:-1]
    if end < 0 or not block.isascii() or any(not x.decode("ascii").isprintable() for x in lines):
        raise RenderError("the e-mail draft would not say what was meant: its headers are not lines of "
                          "printable 7-bit text ending in CRLF")
    out: list[tuple[str, str]] = []
    for raw in lines:
        line = raw.decode("ascii")
        if line[:1] == " ":
            if not out:
                return None
            name, folded = out[-1]
            out[-1] = (name, folded + _CRLF + line)
        else:
            m = _HEADER_LINE_RE.fullmatch(line)
            if m is None:
                return None
            out.append((m.group(1), line))
    return out


def _check(data: bytes, plan: _Draft) -> None:
    """Read the draft back: exactly the headers meant, in order; the subject decoding to exactly
    the subject; exactly the recipients and the sender meant; the boundary; two MIME parts.

    The header block is read by a strict parser of its own (:func:`_read_head`,
    :func:`_unstructured`, :func:`_mailboxes`); when any part of it is beyond that parser, the
    standard library's parser reads it instead (:func:`_check_stdlib`).  RenderError when the
    draft would not say what was meant."""
    head = _read_head(data)
    if head is None:
        return _check_stdlib(data, plan)
    values = {name.lower(): _unfold(folded) for name, folded in head}
    subject = _unstructured(values.get("subject", ""))
    back_to = _mailboxes(values["to"]) if "to" in values else []
    back_from = _mailboxes(values["from"]) if "from" in values else []
    if subject is None or back_to is None or back_from is None:
        return _check_stdlib(data, plan)
    wrong = _structure(data, plan)
    meant = [n for n in HEADERS if not (n == "From" and plan.sender is None or n == "To" and not plan.to)]
    if [name for name, _ in head] != meant:
        wrong.append(f"headers {[name for name, _ in head]} instead of {meant}")
    if values.get("content-type") != f'multipart/mixed; boundary="{plan.boundary}"':
        wrong.append("MIME boundary")
    _verdict(plan, wrong, back_to, back_from, subject)
    return None


def _verdict(plan: _Draft, wrong: list[str], back_to: list[str], back_from: list[str], subject: Any) -> None:
    """The last of both read-backs: the recipients, the sender and the subject read back must be
    the ones meant; RenderError naming everything that differs."""
    if back_to != [a.addr_spec for a in plan.to]:
        wrong.append(f"recipients {back_to}")
    if plan.sender is not None and back_from != [plan.sender.addr_spec]:
        wrong.append("sender")
    if subject != plan.subject:
        wrong.append("subject")
    if wrong:
        raise RenderError("the e-mail draft would not say what was meant: " + "; ".join(wrong))


def _structure(data: bytes, plan: _Draft) -> list[str]:
    """Two MIME parts and one closing boundary, counted on the bytes (a body holding the boundary
    cannot occur: the boundary is made from the body)."""
    marker = b"\n--" + plan.boundary.encode("ascii")
    parts = data.count(marker + b"\n") + data.count(marker + b"\r\n")
    return ["MIME parts"] if parts != 2 or data.count(marker + b"--") != 1 else []


def _check_stdlib(data: bytes, plan: _Draft) -> None:
    """:func:`_check` with the standard library's parser (``policy.default``) reading the header
    block: exactly the headers set, the recipients meant, the subject, two MIME parts."""
    from email.parser import BytesHeaderParser

    end = min((i for i in (data.find(b"\r\n\r\n"), data.find(b"\n\n")) if i >= 0), default=len(data))
    try:
        back = BytesHeaderParser(policy=policy.default).parsebytes(data[: end + 1])  # the header block
        subject = back["Subject"]
        back_to = [a.addr_spec for a in back["To"].addresses] if back["To"] is not None else []
        back_from = [a.addr_spec for a in back["From"].addresses] if back["From"] is not None else []
    except Exception as exc:  # noqa: BLE001 - any failure here means the draft is not what was meant
        raise RenderError(f"the e-mail draft does not parse back: {exc}") from exc
    wrong: list[str] = []
    if back.get_boundary() != plan.boundary:
        wrong.append("MIME boundary")
    else:
        wrong += _structure(data, plan)
    meant = [n for n in HEADERS if not (n == "From" and plan.sender is None or n == "To" and not plan.to)]
    if [k.lower() for k in back.keys()] != [k.lower() for k in meant]:
        wrong.append(f"headers {list(back.keys())} instead of {meant}")
    _verdict(plan, wrong, back_to, back_from, subject)


def memo_eml(facts: DealFacts, meeting: Meeting, terms: AgreedTerms, ctx: dict[str, Any],
             attachment: bytes, docx_path: Path, *, meeting_file: str | Path | None = None,
             ) -> tuple[Path, bytes, list[str]]:
    """The ``.eml`` draft beside the memo ``docx_path`` (attaching ``attachment``), in memory:
    its path, its bytes and warnings."""
    data, warnings = draft_bytes(facts, meeting, terms, ctx, attachment, docx_path.name)
    out = output_path(docx_path.parent, "memo", facts.deal.client.code, meeting.date, ext=".eml")
    return out, data, warnings


def write_memo_eml(facts: DealFacts, meeting: Meeting, terms: AgreedTerms, ctx: dict[str, Any],
                   docx_path: Path) -> tuple[Path, list[str]]:
    """Write ``<memo name>.eml`` beside the memo, attaching it; returns the path and warnings."""
    out, data, warnings = memo_eml(facts, meeting, terms, ctx, docx_path.read_bytes(), docx_path)
    return write_atomic(out, data), warnings

"""The deal: seller, client, line items, terms and the internal negotiation plan.

Mirrors ``samples/deal-*.yaml`` key for key.  Only the keys every document needs are
required (id, locale, currency, issue_date, valid_until, seller.name, client.code,
client.name, items, tax_rate_percent, prices_include_tax, terms.payment); everything else
is optional.
"""

from __future__ import annotations

from decimal import Decimal

from pathlib import Path
from typing import Annotated

from pydantic import ValidationInfo, field_validator

from bidgen.inputs.base import (
    KNOWN_APPROVAL_LEVELS,
    Attitude,
    Code,
    ContactRole,
    Count,
    CountryCode,
    CurrencyCode,
    Days,
    Email,
    Hours,
    Ident,
    IsoDate,
    ItemKind,
    LocaleCode,
    Model,
    Money,
    Salutation,
    Months,
    NonEmpty,
    Percent,
    Quantity,
    Satisfaction,
    Text,
    Tier,
    Year,
)

__all__ = [
    "STRATEGIC_FROM",
    "KEY_FROM",
    "derive_tier",
    "Contact",
    "Party",
    "Seller",
    "PainPoint",
    "History",
    "Client",
    "Project",
    "LineItem",
    "Milestone",
    "Sla",
    "LatePenalty",
    "Terms",
    "Targets",
    "Concession",
    "Approval",
    "Negotiation",
    "Deal",
]

#: Default policy (DOMAIN.md): annual value from which a client is strategic / key.
STRATEGIC_FROM = Decimal("1000000")
KEY_FROM = Decimal("100000")


def derive_tier(
    annual_value: Decimal | None,
    strategic_from: Decimal = STRATEGIC_FROM,
    key_from: Decimal = KEY_FROM,
) -> Tier:
    """The client tier by annual value: ≥ strategic_from strategic, ≥ key_from key, else regular.

    No annual value means regular.  The thresholds are parameters so that a team's
    policy file can move them.
    """
    if annual_value is None:
        return Tier.REGULAR
    if annual_value >= strategic_from:
        return Tier.STRATEGIC
    if annual_value >= key_from:
        return Tier.KEY
    return Tier.REGULAR


class Contact(Model):
    """A person: a client contact in the decision chain, or the seller's contact."""

    name: Text
    title: Text | None = None
    salutation: Salutation | None = None  # extension: Mr., Ms., Dr., 先生, 女士 … (documents write it per locale)
    surname: Text | None = None  # extension: the family name, where the built-in rule cannot tell it
    role: ContactRole | None = None
    attitude: Attitude | None = None
    email: Email | None = None
    phone: Text | None = None


class Party(Model):
    """What every company in a document has."""

    name: Text
    address: Text | None = None
    country: CountryCode | None = None
    credit_code: Text | None = None
    tax_id: Text | None = None


class Seller(Party):
    """Our company."""

    legal_representative: Text | None = None
    contact: Contact | None = None
    logo: Text | None = None  # extension: a PNG or JPEG file, relative to the deal file

    @field_validator("logo")
    @classmethod
    def _logo_file(cls, value: str | None, info: ValidationInfo) -> str | None:
        """The logo as an absolute path, checked: it exists, is PNG or JPEG, ≤ LOGO_MAX_BYTES."""
        if value is None:
            return None
        base = (info.context or {}).get("base_dir")
        path = Path(value).expanduser()
        if not path.is_absolute():
            path = Path(base or ".") / path
        path = path.resolve()
        if not path.is_file():
            raise ValueError(f"no such file: {str(path)!r} (a path relative to the deal file)")
        size = path.stat().st_size
        if size > LOGO_MAX_BYTES:
            raise ValueError(f"the logo is {size:,} bytes; the limit is {LOGO_MAX_BYTES:,} (5 MB)")
        with path.open("rb") as fh:
            head = fh.read(8)
        if not (head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8\xff")):
            raise ValueError(f"not a PNG or JPEG image: {path.name!r}")
        return str(path)


#: The largest logo file a deal may name (``seller.logo``).
LOGO_MAX_BYTES = 5 * 1024 * 1024


class PainPoint(Model):
    """A need or pain point and its business impact; explicit (stated) or implicit."""

    need: Text
    impact: Text | None = None
    explicit: bool = True


class History(Model):
    """Our history with the client."""

    since: Year | None = None
    until: Year | None = None
    products: tuple[Text, ...] = ()
    satisfaction: Satisfaction | None = None
    reason_not_renewed: Text | None = None


class Client(Party):
    """The buying company.  ``tier`` is derived from ``annual_value`` when not given."""

    code: Code
    industry: Text | None = None
    employees: Count | None = None
    annual_revenue: Money | None = None
    annual_value: Money | None = None
    tier: Tier | None = None
    contacts: tuple[Contact, ...] = ()
    pain_points: tuple[PainPoint, ...] = ()
    history: History | None = None

    @property
    def effective_tier(self) -> Tier:
        """The tier given in the file, or the one derived from ``annual_value``."""
        return self.tier if self.tier is not None else derive_tier(self.annual_value)

    def contacts_by_role(self, role: ContactRole | str) -> tuple[Contact, ...]:
        """The contacts with this role in the decision chain."""
        wanted = ContactRole(role)
        return tuple(c for c in self.contacts if c.role == wanted)


class Project(Model):
    """What the proposal is about."""

    name: Text
    summary: Text | None = None


class LineItem(Model):
    """One priced line: quantity × unit price, less a discount in percent."""

    sku: Text | None = None
    description: Text
    quantity: Quantity
    unit: Text | None = None
    unit_price: Money
    discount_percent: Percent = Decimal(0)
    kind: ItemKind | None = None  # extension: goods, software or service; inferred when absent

    @property
    def item_kind(self) -> ItemKind:
        """``kind`` when given, else inferred from the description and unit (see :func:`infer_kind`)."""
        return self.kind if self.kind is not None else infer_kind(self.description, self.unit)


#: Words that mark a line as software or as a service when its ``kind`` is not given
#: (matched case-insensitively in the description and unit; service words are checked
#: first, so "licence management service" is a service). Anything else is goods.
SERVICE_WORDS = (
    "service", "implementation", "integration", "installation", "training", "consulting", "consultancy",
    "support", "maintenance", "commissioning", "project management", "workshop", "man-day", "person-day",
    "服务", "服務", "运维", "維運", "運維", "培训", "培訓", "实施", "實施", "导入", "導入", "咨询", "諮詢", "顧問",
    "安装", "安裝", "调试", "調試", "维护", "維護", "人天", "人日",
)
SOFTWARE_WORDS = (
    "licence", "license", "software", "subscription", "saas", "软件", "軟體", "軟件", "许可", "許可", "授权",
    "授權", "订阅", "訂閱",
)


def infer_kind(description: str, unit: str | None = None) -> ItemKind:
    """The kind of a line whose ``kind`` is not given: service, software, else goods."""
    text = f"{description} {unit or ''}".casefold()
    if any(w in text for w in SERVICE_WORDS):
        return ItemKind.SERVICE
    if any(w in text for w in SOFTWARE_WORDS):
        return ItemKind.SOFTWARE
    return ItemKind.GOODS


class Milestone(Model):
    """A payment milestone: a share of the total due some days after the event."""

    milestone: Text
    percent: Percent
    due_days: Days | None = None
    retention: bool = False


class Sla(Model):
    """Service levels promised: response and on-site times in hours."""

    response_hours: Hours | None = None
    onsite_hours: Hours | None = None


class LatePenalty(Model):
    """Liquidated damages for late delivery: percent of contract value per day, capped."""

    percent_per_day: Percent
    cap_percent: Percent | None = None


class Terms(Model):
    """Commercial terms."""

    payment: Annotated[tuple[Milestone, ...], NonEmpty]
    delivery_days: Days | None = None
    warranty_months: Months | None = None
    sla: Sla | None = None
    late_delivery_penalty: LatePenalty | None = None

    @property
    def payment_percent_total(self) -> Decimal:
        """The sum of the milestones' percentages (should be exactly 100)."""
        return sum((m.percent for m in self.payment), Decimal(0))

    @property
    def retention_milestones(self) -> tuple[Milestone, ...]:
        """The milestones held back as retention."""
        return tuple(m for m in self.payment if m.retention)


class Targets(Model):
    """Price targets at three levels: best, acceptable and the floor (walk-away)."""

    best: Money | None = None
    acceptable: Money | None = None
    floor: Money | None = None


class Concession(Model):
    """One step of the concession plan: what we give, and what we get for it.

    The price a step gives away is ``give_percent`` (of the price before it) or ``give_amount``, else a
    percentage or an amount in the deal's currency written in ``give`` (``3% off the total``,
    ``总价降低 2%``, ``USD 2,000 off``); ``price_after`` is the deal's own record of the price after the
    step (compared by the checker), never copied into the brief's computed plan.
    """

    give: Text
    get: Text | None = None
    price_after: Money | None = None
    give_percent: Percent | None = None
    give_amount: Money | None = None


class Approval(Model):
    """Who approved the discount room, at which level, up to which limit."""

    level: Ident
    approver: Text | None = None
    limit: Money | None = None

    @property
    def is_known_level(self) -> bool:
        """Whether ``level`` is one of bidgen's default levels (policies may add more)."""
        return self.level in KNOWN_APPROVAL_LEVELS


class Negotiation(Model):
    """The internal negotiation plan (never printed in client documents)."""

    opening_price: Money | None = None
    targets: Targets | None = None
    cost: Money | None = None
    batna: Text | None = None
    non_negotiable: tuple[Text, ...] = ()
    concessions: tuple[Concession, ...] = ()
    approval: Approval | None = None


class Deal(Model):
    """A deal: everything a proposal, bid or brief is written from."""

    id: Code
    document_number: Text | None = None
    locale: LocaleCode
    currency: CurrencyCode
    issue_date: IsoDate
    valid_until: IsoDate
    seller: Seller
    client: Client
    project: Project | None = None
    items: Annotated[tuple[LineItem, ...], NonEmpty]
    tax_rate_percent: Percent
    prices_include_tax: bool
    terms: Terms
    negotiation: Negotiation | None = None
    narrative: tuple[Text, ...] = ()
    fab: tuple[Text, ...] = ()
    clauses: tuple[Text, ...] = ()

    @field_validator("items")
    @classmethod
    def _total_within_limit(cls, items: tuple[LineItem, ...]) -> tuple[LineItem, ...]:
        """Line and deal totals no larger than the documents can state (limits.max_amount)."""
        from bidgen.limits import current

        limit = current().max_amount
        total = Decimal(0)
        for no, item in enumerate(items, start=1):
            line = item.quantity * item.unit_price
            if line > limit:
                raise ValueError(f"item {no}: quantity × unit price = {line:,} is above the limit of {limit:,} "
                                 "(limits.max_amount in the workspace)")
            total += line
        if total > limit:
            raise ValueError(f"the items add up to {total:,}, above the limit of {limit:,} "
                             "(limits.max_amount in the workspace)")
        return items

    @property
    def tier(self) -> Tier:
        """The client's effective tier (given, or derived from its annual value)."""
        return self.client.effective_tier

    @property
    def validity_days(self) -> int:
        """Days from issue date to the end of validity."""
        return (self.valid_until - self.issue_date).days

    @property
    def contact_emails(self) -> tuple[str, ...]:
        """The client contacts' e-mail addresses, in file order."""
        return tuple(c.email for c in self.client.contacts if c.email)

    @property
    def all_contacts(self) -> tuple[Contact, ...]:
        """Client contacts followed by the seller's contact, if any."""
        own = (self.seller.contact,) if self.seller.contact else ()
        return self.client.contacts + own

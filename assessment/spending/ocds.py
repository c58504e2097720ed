"""Open Contracting Data Standard 1.1 JSON: release packages and record packages, read into the
contracts and payments of the spending import.

A package is streamed element by element (a 10,000-process package is never held whole): each
release is checked on the fields the import reads, located by its JSON path
(``releases[3].awards[0].value.amount``), and the releases of one contracting process (one
``ocid``) are merged into its current state with the reference implementation (``ocdsmerge``),
never added up: six releases of one process are one contract, and a payment repeated in later
releases is one payment. Releases of a process usually follow each other; a process whose
releases are scattered through the package is merged again at the end from its releases, read
back from the file by their byte offsets.

What is read of a merged process: parties (roles, ``details.scale``, address), awards (suppliers,
value, date), contracts (value, ``dateSigned``, period, ``implementation.transactions`` with
payer, payee, date and value) and the tender's period. OCDS has no invoice date, so its payments
have none (days to payment leave them out, and say so), and no advance-payment flag: a payment
dated before the contract's ``period.startDate`` is read as an advance."""

from __future__ import annotations

import codecs
import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from assessment.core.errors import Problem, ProblemLog, ValidationFailed
from assessment.spending.models import SourceKind
from assessment.spending.shapes import ContractIn, PaymentIn, SourceRead

# The OCDS 1.1 release schema's merge rules, as ocdsmerge derives them from the schema (its
# test_get_merge_rules_1_1); given here so that merging never fetches the schema over the network.
MERGE_RULES: dict[tuple[str, ...], str] = {
    ("awards", "items", "additionalClassifications"): "wholeListMerge",
    ("contracts", "items", "additionalClassifications"): "wholeListMerge",
    ("contracts", "relatedProcesses", "relationship"): "wholeListMerge",
    ("date",): "omitWhenMerged",
    ("id",): "omitWhenMerged",
    ("parties", "additionalIdentifiers"): "wholeListMerge",
    ("parties", "roles"): "wholeListMerge",
    ("relatedProcesses", "relationship"): "wholeListMerge",
    ("tag",): "omitWhenMerged",
    ("tender", "additionalProcurementCategories"): "wholeListMerge",
    ("tender", "items", "additionalClassifications"): "wholeListMerge",
    ("tender", "submissionMethod"): "wholeListMerge",
    # deprecated in 1.1, still merged as whole lists
    ("awards", "amendment", "changes"): "wholeListMerge",
    ("awards", "amendments", "changes"): "wholeListMerge",
    ("awards", "suppliers", "additionalIdentifiers"): "wholeListMerge",
    ("buyer", "additionalIdentifiers"): "wholeListMerge",
    ("contracts", "amendment", "changes"): "wholeListMerge",
    ("contracts", "amendments", "changes"): "wholeListMerge",
    ("contracts", "implementation", "transactions", "payee", "additionalIdentifiers"): "wholeListMerge",
    ("contracts", "implementation", "transactions", "payer", "additionalIdentifiers"): "wholeListMerge",
    ("tender", "amendment", "changes"): "wholeListMerge",
    ("tender", "amendments", "changes"): "wholeListMerge",
    ("tender", "procuringEntity", "additionalIdentifiers"): "wholeListMerge",
    ("tender", "tenderers", "additionalIdentifiers"): "wholeListMerge",
}

# details.scale: OCDS's partyScale codelist and the words publishers also use
SMALL_SCALES = frozenset({"micro", "small", "sme", "selfEmployed"})
LARGE_SCALES = frozenset({"medium", "large"})
SCALES = SMALL_SCALES | LARGE_SCALES
LEFT_OUT = frozenset({"cancelled", "unsuccessful"})  # awards and contracts that moved no money
US_ZIP = re.compile(r"^(\d{5})(-\d{4})?$")
DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})")
MAX_AMOUNT = Decimal(10) ** 14
FOUR_PLACES = Decimal("0.0001")
SEND_HINT = "Import an OCDS 1.1 release package or record package (JSON)."


# --- streaming a package -------------------------------------------------------------------


class Malformed(Exception):
    """The JSON cannot be read past this point; ``why`` says where and what."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


@dataclass(frozen=True)
class Element:
    """One element of the package's ``releases`` or ``records`` array, with its byte span."""

    array: str
    index: int
    value: object
    start: int
    end: int


WHITESPACE = re.compile(r"[ \t\n\r\ufeff]*")


class PackageStream:
    """The elements of a package's ``releases`` or ``records`` array, decoded one at a time from a
    buffer refilled as it empties; the other top-level fields are kept in ``meta``."""

    CHUNK = 1 << 20

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.text = codecs.getincrementaldecoder("utf-8")()
        self.decoder = json.JSONDecoder(parse_float=Decimal)
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.mark = 0  # buffer index up to which bytes and lines are counted
        self.bytes = 0
        self.lines = 0
        self.meta: dict[str, object] = {}
        self.context = ""

    def _fill(self) -> None:
        chunk = self.handle.read(self.CHUNK)
        try:
            decoded = self.text.decode(chunk, final=not chunk)
        except UnicodeDecodeError:
            raise Malformed(f"is not UTF-8 text (near line {self._line(len(self.buf))})") from None
        if not chunk:
            self.eof = True
        if self.mark > self.CHUNK and self.pos > len(self.buf) // 2:
            self._count(self.pos)
            self.buf, self.mark, self.pos = self.buf[self.pos :], 0, 0
        self.buf += decoded

    def _count(self, index: int) -> None:
        """Count the bytes and lines of the buffer up to ``index``."""
        span = self.buf[self.mark : index]
        self.bytes += len(span) if span.isascii() else len(span.encode("utf-8"))
        self.lines += span.count("\n")
        self.mark = index

    def _line(self, index: int) -> int:
        return self.lines + self.buf.count("\n", self.mark, index) + 1

    def _peek(self) -> str:
        while True:
            found = WHITESPACE.match(self.buf, self.pos)
            self.pos = found.end() if found else self.pos
            if self.pos < len(self.buf) or self.eof:
                return self.buf[self.pos] if self.pos < len(self.buf) else ""
            self._fill()

    def _expect(self, char: str, what: str) -> None:
        if self._peek() != char:
            raise Malformed(f"is not valid JSON: line {self._line(self.pos)}{self.context} expects {what}")
        self.pos += 1

    def _value(self) -> object:
        self._peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                near_end = exc.pos >= len(self.buf) - 16 or exc.msg.startswith("Unterminated string")
                if near_end and not self.eof:
                    self._fill()
                    continue
                raise Malformed(f"is not valid JSON: line {self._line(exc.pos)}{self.context}: {exc.msg}") from None
            except RecursionError:
                raise Malformed(f"nests too deeply to read (line {self._line(self.pos)}{self.context})") from None
            if end >= len(self.buf) and not self.eof:  # a number at the end may go on in the next chunk
                self._fill()
                continue
            self.pos = end
            return value

    def elements(self) -> Iterator[Element]:
        if self._peek() != "{":
            raise Malformed(
                "is not an OCDS package: a release or record package is a JSON object with releases or records"
            )
        self.pos += 1
        first = True
        while self._peek() != "}":
            if self._peek() == "":
                raise Malformed("is not valid JSON: it ends before the package is closed")
            if not first:
                self._expect(",", "a comma between the package's fields")
            first = False
            key = self._value()
            if not isinstance(key, str):
                raise Malformed(f"is not valid JSON: line {self._line(self.pos)} expects a field name")
            self._expect(":", "a colon after a field name")
            if key in ("releases", "records") and self._peek() == "[":
                self.meta[key] = True
                yield from self._array(key)
            else:
                self.meta[key] = self._value()
        self.pos += 1
        if self._peek() != "":
            raise Malformed(f"has more after the package ends (line {self._line(self.pos)})")

    def _array(self, name: str) -> Iterator[Element]:
        self.pos += 1
        if self._peek() == "]":
            self.pos += 1
            return
        index = 0
        while True:
            self.context = f" (in {name}[{index}])"
            self._peek()
            self._count(self.pos)
            start = self.bytes
            value = self._value()
            self._count(self.pos)
            yield Element(name, index, value, start, self.bytes)
            index += 1
            after = self._peek()
            self.context = f" (after {name}[{index - 1}])"
            if after == "]":
                self.pos += 1
                self.context = ""
                return
            self._expect(",", f"a comma or ] after {name}[{index - 1}]")


# --- checking one release on the fields the import reads -----------------------------------------


def _day(text: object) -> date | None:
    if not isinstance(text, str):
        return None
    found = DAY.match(text)
    if not found:
        return None
    try:
        return date.fromisoformat(found.group(1))
    except ValueError:
        return None


@dataclass
class ReleaseCheck:
    """The problems of one release (or compiled release) at ``where``; ``paths`` remembers where
    each award, contract and transaction was seen, to locate problems found after merging."""

    where: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, path: str, message: str, fix: str = "") -> None:
        self.problems.append(Problem(f"{self.where}{path}", message, fix))

    def objects(self, parent: dict[str, Any], key: str, path: str, ids: bool) -> list[tuple[str, dict[str, Any]]]:
        """The objects of the array ``parent[key]`` with their paths; each needs an ``id`` when
        ``ids`` (merging matches objects across releases by it) and no two may share one."""
        items = parent.get(key)
        if items is None:
            return []
        if not isinstance(items, list):
            self.add(f"{path}.{key}", "is not an array.")
            return []
        found: list[tuple[str, dict[str, Any]]] = []
        seen: dict[str, int] = {}
        for number, item in enumerate(items):
            at = f"{path}.{key}[{number}]"
            if not isinstance(item, dict):
                self.add(at, "is not an object.")
                continue
            if ids:
                ident = item.get("id")
                if ident is None or (isinstance(ident, str) and not ident.strip()):
                    self.add(
                        f"{at}.id",
                        "is missing.",
                        "OCDS needs it: merging tells an object repeated in a later release from a new one by its id.",
                    )
                    continue
                if str(ident) in seen:
                    self.add(
                        f"{at}.id",
                        f"'{ident}' is also the id of {path}.{key}[{seen[str(ident)]}].",
                        "Give each its own id (merging would keep only the last).",
                    )
                    continue
                seen[str(ident)] = number
            found.append((at, item))
        return found

    def day(self, parent: dict[str, Any], key: str, path: str, required: bool = False) -> None:
        value = parent.get(key)
        if value is None:
            if required:
                self.add(f"{path}.{key}", "is missing.", "OCDS dates are like 2025-03-01T00:00:00Z.")
            return
        if _day(value) is None:
            self.add(
                f"{path}.{key}",
                f"'{value}' is not a date.",
                "OCDS dates are like 2025-03-01T00:00:00Z.",
            )

    def value(self, parent: dict[str, Any], key: str, path: str, positive: bool = False) -> None:
        value = parent.get(key)
        if value is None:
            return
        at = f"{path}.{key}"
        if not isinstance(value, dict):
            self.add(at, "is not an object with amount and currency.")
            return
        number = value.get("amount")
        if number is None:
            return
        if isinstance(number, bool) or not isinstance(number, (int, Decimal)):
            self.add(f"{at}.amount", f"'{number}' is not a number.", "OCDS amounts are JSON numbers, e.g. 50000.")
            return
        amount = Decimal(number)
        if amount < 0 or (positive and amount == 0):
            self.add(
                f"{at}.amount",
                f"{number} is {'not more than 0' if positive else 'negative'}.",
                "Leave refunds and zero payments out.",
            )
        elif amount >= MAX_AMOUNT or amount != amount.quantize(FOUR_PLACES):
            self.add(f"{at}.amount", f"{number} has more than 14 digits or 4 decimal places.")
        code = value.get("currency")
        if not (isinstance(code, str) and re.fullmatch(r"[A-Z]{3}", code)):
            self.add(
                f"{at}.currency",
                "is missing." if code is None else f"'{code}' is not a currency code.",
                "An OCDS amount names its currency in three letters, e.g. USD.",
            )


def check_release(release: object, where: str) -> list[Problem]:
    """The problems of one release (or compiled release) on the fields the import reads."""
    check = ReleaseCheck(where)
    if not isinstance(release, dict):
        check.add("", "is not an object (a release).")
        return check.problems
    ocid = release.get("ocid")
    if not isinstance(ocid, str) or not ocid.strip():
        check.add(".ocid", "is missing." if ocid is None else f"'{ocid}' is not an ocid.", "Every release has one.")
    check.day(release, "date", "", required=True)
    for at, party in check.objects(release, "parties", "", ids=True):
        roles = party.get("roles")
        if roles is not None and not (isinstance(roles, list) and all(isinstance(r, str) for r in roles)):
            check.add(f"{at}.roles", "is not an array of role codes.")
        details = party.get("details")
        scale = details.get("scale") if isinstance(details, dict) else None
        if scale is not None and scale not in SCALES:
            check.add(
                f"{at}.details.scale",
                f"'{scale}' is not a scale.",
                f"Use one of: {', '.join(sorted(SCALES))}.",
            )
        if party.get("address") is not None and not isinstance(party.get("address"), dict):
            check.add(f"{at}.address", "is not an object.")
    tender = release.get("tender")
    if isinstance(tender, dict) and isinstance(tender.get("tenderPeriod"), dict):
        check.day(tender["tenderPeriod"], "startDate", ".tender.tenderPeriod")
    for at, award in check.objects(release, "awards", "", ids=True):
        check.day(award, "date", at)
        check.value(award, "value", at)
        for supplier_at, supplier in check.objects(award, "suppliers", at, ids=False):
            if supplier.get("id") is None and not supplier.get("name"):
                check.add(supplier_at, "has neither id nor name.", "Name the supplier's party by its id.")
    for at, contract in check.objects(release, "contracts", "", ids=True):
        check.day(contract, "dateSigned", at)
        if isinstance(contract.get("period"), dict):
            check.day(contract["period"], "startDate", f"{at}.period")
        check.value(contract, "value", at)
        implementation = contract.get("implementation")
        if not isinstance(implementation, dict):
            continue
        for transaction_at, transaction in check.objects(implementation, "transactions", f"{at}.implementation", True):
            check.day(transaction, "date", transaction_at, required=True)
            key = "value" if "value" in transaction or "amount" not in transaction else "amount"  # 1.0 said amount
            if transaction.get(key) is None:
                check.add(f"{transaction_at}.value", "is missing.", "A payment needs its amount and currency.")
            check.value(transaction, key, transaction_at, positive=True)
    return check.problems


# --- reading a merged process into contracts -------------------------------------------------


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _money(value: object) -> tuple[Decimal | None, str | None]:
    if not isinstance(value, dict) or value.get("amount") is None:
        return None, None
    return Decimal(value["amount"]), value.get("currency")


@dataclass
class Located:
    """Where a process's awards, contracts and transactions were last seen, by id."""

    paths: dict[tuple[str, ...], str] = field(default_factory=dict)

    def note(self, release: object, where: str) -> None:
        if not isinstance(release, dict):
            return
        for kind in ("awards", "contracts"):
            for number, item in enumerate(release.get(kind) or []):
                if isinstance(item, dict) and "id" in item:
                    self.paths[(kind, str(item["id"]))] = f"{where}.{kind}[{number}]"
        for number, contract in enumerate(release.get("contracts") or []):
            implementation = contract.get("implementation") if isinstance(contract, dict) else None
            for index, item in enumerate((implementation or {}).get("transactions") or []):
                if isinstance(item, dict) and "id" in item:
                    self.paths[("transactions", str(contract.get("id")), str(item["id"]))] = (
                        f"{where}.contracts[{number}].implementation.transactions[{index}]"
                    )

    def of(self, *key: str) -> str:
        return self.paths.get(key, "")


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _vendor(party: dict[str, Any], reference: dict[str, Any]) -> tuple[str, str]:
    """A vendor's key and name: its organization identifier when it has one (party ids are only
    unique within a process), else its name."""
    identifier = _object(party.get("identifier"))
    name = _text(party.get("name") or reference.get("name") or identifier.get("legalName"))
    scheme, ident = identifier.get("scheme"), identifier.get("id")
    if scheme and ident is not None:
        return f"org:{scheme}-{ident}", name or f"{scheme}-{ident}"
    return "name:" + name.casefold(), name


def _address(party: dict[str, Any]) -> tuple[str, str | None]:
    address = _object(party.get("address"))
    parts = [address.get(k) for k in ("streetAddress", "locality", "region", "postalCode", "countryName")]
    text = ", ".join(_text(p) for p in parts if p)
    postal = _text(address.get("postalCode"))
    country = _text(address.get("countryName")).casefold()
    us = not country or country in ("united states", "united states of america", "usa", "us")
    found = US_ZIP.match(postal) if us else None
    return text, found.group(1) if found else None


def contracts_of(
    compiled: dict[str, Any], located: Located, kind: SourceKind
) -> tuple[list[ContractIn], list[Problem], int]:
    """The contracts of one merged process (its awards, when it has no contract yet), each with
    its vendor and payments; the problems that keep it out; how many contracts name several
    suppliers (each is counted for its first)."""
    ocid = str(compiled.get("ocid"))
    problems: list[Problem] = []
    parties = {str(p["id"]): p for p in compiled.get("parties") or [] if isinstance(p, dict) and "id" in p}
    buyer = _object(compiled.get("buyer"))
    buyer_ids = {i for i, p in parties.items() if "buyer" in (p.get("roles") or [])}
    if buyer.get("id") is not None:
        buyer_ids.add(str(buyer["id"]))
    awards = {str(a["id"]): a for a in compiled.get("awards") or [] if isinstance(a, dict)}
    tender = _object(compiled.get("tender"))
    solicited = _day(_object(tender.get("tenderPeriod")).get("startDate"))
    contracts = [c for c in compiled.get("contracts") or [] if isinstance(c, dict)]
    units: list[tuple[dict[str, Any], dict[str, Any]]]
    if contracts:
        units = [(c, _object(awards.get(str(c.get("awardID"))))) for c in contracts if c.get("status") not in LEFT_OUT]
    else:
        units = [({}, a) for a in awards.values() if a.get("status") not in LEFT_OUT]
    found = []
    several = 0
    for contract, award in units:
        if contract:
            where, ident = located.of("contracts", str(contract["id"])), str(contract["id"])
        else:
            where, ident = located.of("awards", str(award["id"])), f"award/{award['id']}"
        at = where or f"process {ocid}"
        transactions = [t for t in _object(contract.get("implementation")).get("transactions") or [] if t]
        suppliers = [s for s in award.get("suppliers") or [] if isinstance(s, dict)]
        payees = [t["payee"] for t in transactions if isinstance(t, dict) and isinstance(t.get("payee"), dict)]
        reference = suppliers[0] if suppliers else payees[0] if payees else None
        if reference is None:
            problems.append(
                Problem(
                    at,
                    "names no supplier (awards[].suppliers) nor payee: its dollars cannot be given to a vendor.",
                    "Publish the award's suppliers.",
                )
            )
            continue
        party = _object(parties.get(str(reference.get("id")), reference))
        vendor, name = _vendor(party, reference)
        if not name:
            problems.append(Problem(at, f"its supplier (party {reference.get('id')}) has no name.", "Name the party."))
            continue
        amount, code = _money(contract.get("value"))
        if amount is None:
            amount, code = _money(award.get("value"))
        payments = []
        for transaction in transactions:
            payee = _object(transaction.get("payee"))
            if payee.get("id") is not None and str(payee["id"]) in buyer_ids:
                continue  # money paid to the buyer, not by it
            paid, paid_code = _money(transaction.get("value") or transaction.get("amount"))
            paid_on = _day(transaction.get("date"))
            if paid is None or paid_on is None:
                continue  # refused release by release
            path = located.of("transactions", ident, str(transaction["id"])) or at
            if code is None:
                code = paid_code
            elif paid_code != code:
                problems.append(
                    Problem(
                        f"{path}.value.currency", f"is {paid_code}, but its contract is in {code}.", "One currency."
                    )
                )
                continue
            payments.append(PaymentIn(f"tx:{transaction['id']}", paid, paid_on, None, path))
        if amount is None and not payments:
            problems.append(
                Problem(f"{at}.value", "is missing and the contract has no payments: its value is unknown.")
            )
            continue
        period = _object(contract.get("period"))
        awarded = _day(contract.get("dateSigned")) or _day(award.get("date")) or _day(period.get("startDate"))
        if awarded is None:
            problems.append(
                Problem(
                    f"{at}.dateSigned" if contract else f"{at}.date",
                    "is missing, and so are the award's date and the contract's period: nothing places the contract "
                    "in a period.",
                    "Publish contracts[].dateSigned or awards[].date.",
                )
            )
            continue
        start = _day(period.get("startDate"))
        scale = _object(party.get("details")).get("scale")
        address, zip_code = _address(party)
        found.append(
            ContractIn(
                key=f"{ocid}/{ident}",
                source=kind.value,
                vendor_key=vendor,
                vendor_name=name,
                currency=code,
                amount=amount,
                awarded_on=awarded,
                where=at,
                title=_text(contract.get("title") or award.get("title") or tender.get("title"))[:300],
                solicited_on=solicited,
                advance_payment=any(p.paid_on < start for p in payments) if start and payments else None,
                small=True if scale in SMALL_SCALES else False if scale in LARGE_SCALES else None,
                scale=scale if scale in SCALES else None,
                address=address,
                zip=zip_code,
                payments=payments,
            )
        )
        several += len(suppliers) > 1
    return found, problems, several


# --- the package as a whole ------------------------------------------------------------------


@dataclass
class _Group:
    ocid: str
    elements: list[Element] = field(default_factory=list)
    releases: list[dict[str, Any]] = field(default_factory=list)
    bad: bool = False


class _Reading:
    """One package read into ``read``: processes merged, checked and turned into contracts."""

    def __init__(self, path: Path, read: SourceRead) -> None:
        from ocdsmerge import Merger

        self.path = path
        self.read = read
        self.merger = Merger(merge_rules=MERGE_RULES)
        self.where = f"{path.name}: "
        self.done: dict[str, list[ContractIn]] = {}
        self.failed: dict[str, list[Problem]] = {}
        self.bad: set[str] = set()
        self.spans: dict[str, list[tuple[int, int, int]]] = {}  # ocid → (index, start, end) of its releases
        self.scattered: set[str] = set()
        self.several_suppliers = 0
        self.currencies = ProblemLog(limit=50)
        self.currency_at = ""

    def merge(self, ocid: str, releases: list[dict[str, Any]], located: Located, kind: SourceKind) -> None:
        """Merge one process's releases (none of them refused) and read its contracts."""
        from ocdsmerge.exceptions import OCDSMergeError

        try:
            compiled = self.merger.create_compiled_release(releases)
        except OCDSMergeError as exc:
            self.failed[ocid] = [Problem(f"{self.where}process {ocid}", f"its releases cannot be merged ({exc}).")]
            return
        contracts, problems, several = contracts_of(compiled, located, kind)
        if problems:
            self.failed[ocid] = [Problem(self.where + p.location, p.message, p.fix) for p in problems]
            return
        self.several_suppliers += several
        self.failed.pop(ocid, None)
        self.done[ocid] = contracts

    def finish(self, group: _Group | None) -> None:
        if group is None:
            return
        if group.ocid in self.done or group.ocid in self.failed:
            # its releases are scattered: it is merged again at the end, from all of them
            self.scattered.add(group.ocid)
            self.done.pop(group.ocid, None)
            self.failed.pop(group.ocid, None)
            return
        if group.ocid in self.bad or group.ocid in self.scattered:
            return
        located = Located()
        for element, release in zip(group.elements, group.releases, strict=True):
            located.note(release, f"releases[{element.index}]")
        self.merge(group.ocid, group.releases, located, SourceKind.ocds)

    def remerge_scattered(self) -> None:
        with self.path.open("rb") as handle:
            for ocid in sorted(self.scattered - self.bad):
                located = Located()
                releases = []
                for index, start, end in self.spans[ocid]:
                    handle.seek(start)
                    release = json.loads(handle.read(end - start).decode("utf-8"), parse_float=Decimal)
                    located.note(release, f"releases[{index}]")
                    releases.append(release)
                self.merge(ocid, releases, located, SourceKind.ocds)

    def releases(self, stream: Iterator[Element]) -> None:
        group: _Group | None = None
        for element in stream:
            release = element.value
            problems = check_release(release, f"releases[{element.index}]")
            ocid = release.get("ocid") if isinstance(release, dict) else None
            if not isinstance(ocid, str) or not ocid.strip():
                self.log(problems)
                self.read.skipped += 1
                continue
            assert isinstance(release, dict)
            self.spans.setdefault(ocid, []).append((element.index, element.start, element.end))
            if problems:
                self.log(problems)
                self.bad.add(ocid)
            if group is None or group.ocid != ocid:
                self.finish(group)
                group = _Group(ocid)
            group.elements.append(element)
            group.releases.append(release)
        self.finish(group)
        self.remerge_scattered()
        self.read.units += len(self.spans)

    def records(self, stream: Iterator[Element]) -> None:
        seen: dict[str, int] = {}
        for element in stream:
            self.read.units += 1
            record, at = element.value, f"records[{element.index}]"
            if not isinstance(record, dict):
                self.log([Problem(self.where + at, "is not an object (a record).")])
                self.read.skipped += 1
                continue
            ocid = record.get("ocid")
            if not isinstance(ocid, str) or not ocid.strip():
                self.log([Problem(f"{self.where}{at}.ocid", "is missing.", "Every record has its process's ocid.")])
                self.read.skipped += 1
                continue
            if ocid in seen:
                self.log(
                    [
                        Problem(
                            f"{self.where}{at}.ocid",
                            f"'{ocid}' is also records[{seen[ocid]}].",
                            "A record package holds one record per process.",
                        )
                    ]
                )
                self.read.skipped += 1
                continue
            seen[ocid] = element.index
            self.record(ocid, record, at)

    def record(self, ocid: str, record: dict[str, Any], at: str) -> None:
        """One record: its compiledRelease when published, else its releases merged here."""
        compiled = record.get("compiledRelease")
        located = Located()
        if compiled is not None:
            pieces = [(compiled, f"{at}.compiledRelease")]
        else:
            releases = record.get("releases")
            if not isinstance(releases, list) or not releases:
                self.refuse(ocid, [Problem(f"{self.where}{at}", "has neither compiledRelease nor releases.")])
                return
            pieces = [(r, f"{at}.releases[{n}]") for n, r in enumerate(releases)]
            if all(isinstance(r, dict) and "url" in r and "ocid" not in r for r in releases):
                self.refuse(
                    ocid,
                    [
                        Problem(
                            f"{self.where}{at}",
                            "has only linked releases (urls) and no compiledRelease, so its data is not in the file.",
                            "Import the release package the urls point to, or publish the record's compiledRelease.",
                        )
                    ],
                )
                return
        problems = []
        for piece, where in pieces:
            problems += [Problem(self.where + p.location, p.message, p.fix) for p in check_release(piece, where)]
            located.note(piece, where)
            if isinstance(piece, dict) and piece.get("ocid") not in (None, ocid):
                problems.append(
                    Problem(f"{self.where}{where}.ocid", f"'{piece.get('ocid')}' is not the record's ocid ({ocid}).")
                )
        if problems:
            self.refuse(ocid, problems)
            return
        self.merge(ocid, [piece for piece, _ in pieces if isinstance(piece, dict)], located, SourceKind.ocds)

    def refuse(self, ocid: str, problems: list[Problem]) -> None:
        self.log(problems)
        self.bad.add(ocid)

    def log(self, problems: list[Problem]) -> None:
        self.read.problems.extend(
            [
                p if p.location.startswith(self.where) else Problem(self.where + p.location, p.message, p.fix)
                for p in problems
            ]
        )

    def settle(self) -> None:
        """The processes read: each bad or failed one skipped and its problems listed, the others'
        contracts kept; their currencies must be one."""
        for ocid in self.bad:
            self.done.pop(ocid, None)
        self.read.skipped += len(self.bad) + len(self.failed)
        for ocid in sorted(self.failed):
            self.log(self.failed[ocid])
        for contracts in self.done.values():
            for contract in contracts:
                if contract.currency is None:
                    continue
                if self.read.currency is None:
                    self.read.currency, self.currency_at = contract.currency, contract.where
                elif contract.currency != self.read.currency:
                    self.currencies.add(
                        Problem(
                            f"{self.where}{contract.where}",
                            f"is in {contract.currency}, but {self.currency_at} is in {self.read.currency}.",
                            "Import each currency's contracts from a file of its own.",
                        )
                    )
                self.read.contracts[contract.key] = contract
                self.read.payments += len(contract.payments)
        if self.several_suppliers:
            self.read.notes.append(
                f"{self.several_suppliers} contract(s) have several suppliers: each is counted for its first supplier."
            )


def read_package(path: Path) -> SourceRead:
    """The contracts and payments of an OCDS release or record package."""
    path = Path(path)
    read = SourceRead(kind="release package", unit="process")
    reading = _Reading(path, read)
    try:
        with path.open("rb") as handle:
            stream = PackageStream(handle)
            elements = stream.elements()
            first = next(elements, None)
            if first is not None:
                read.kind = "record package" if first.array == "records" else "release package"

                def rest() -> Iterator[Element]:
                    assert first is not None
                    yield first
                    yield from elements

                from ocdsmerge.exceptions import DuplicateIdValueWarning

                # ids repeated within one array are refused release by release, before merging
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DuplicateIdValueWarning)
                    (reading.records if first.array == "records" else reading.releases)(rest())
            elif not ({"releases", "records"} & set(stream.meta)):
                raise Malformed("has neither releases nor records: it is not an OCDS release or record package")
    except FileNotFoundError:
        raise ValidationFailed(
            f"{path.name} could not be imported; nothing was changed.",
            [Problem(str(path), "cannot be found or read.", "Check the file name and the folder it is in.")],
        ) from None
    except Malformed as exc:
        raise ValidationFailed(
            f"{path.name} could not be imported; nothing was changed.", [Problem(path.name, f"{exc.why}.", SEND_HINT)]
        ) from None
    reading.settle()
    if reading.currencies.kept:
        raise ValidationFailed(
            f"{path.name} mixes currencies; nothing was changed. Amounts are compared and added up, so every "
            f"contract must be in one currency (this file's first is {read.currency}):",
            reading.currencies.kept,
            reading.currencies.more,
        )
    notes = [
        "OCDS has no invoice date: its payments are not in the days to payment.",
        "OCDS has no advance-payment flag: a payment dated before the contract's period.startDate is read as an "
        "advance.",
        "OCDS does not say whether a vendor is community-based, local, BIPOC-led or a first-time contractor; "
        "details.scale tells small (micro, small, sme) from not (medium, large).",
    ]
    read.notes = notes + read.notes
    return read

"""The record editor's state and logic, with no widgets (the view is :mod:`widgets.editor`).

An :class:`EditorModel` holds a working copy of one record, turns what a person types into
stored values (synonyms to canonical vocabulary values, «2024» to 2024), validates after
every change (Russian messages per field), saves optimistically and, when someone else saved
first, keeps the conflict — their version and a diff — until the person takes theirs or
re-applies their own changes on top.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from traitlets import Dict, HasTraits, Instance, Int, Unicode

from catalogue import vocabularies
from catalogue.attestation import expiry
from catalogue.curation import diff, known_name, merge, signer
from catalogue.curation.history import Change, label
from catalogue.curation.workflow import reopens, save_edit
from catalogue.errors import UserError
from catalogue.i18n import date_text, moment_text, parse_date, t
from catalogue.records import KINDS, Course, Portfolio, Record, new
from catalogue.storage.common import typed_id
from catalogue.store import ConflictError, StoreError
from catalogue.validation import normalise, validate

if TYPE_CHECKING:
    from catalogue.workspace import Workspace
    from index.engine import CatalogueIndex

# (field, how it is edited): text, textarea, int, date, tags (free list), list (repeatable
# rows), courses, vocab:<name> (one value), vocabs:<name> (several values).
COMMON = (
    ("title", "textarea"),
    ("authors", "list"),
    ("organisation", "text"),
    ("subjects", "vocabs:subjects"),
    ("grades", "vocabs:grades"),
    ("levels", "vocabs:levels"),
    ("resource_type", "vocab:resource_types"),
    ("keywords", "tags"),
    ("annotation", "textarea"),
    ("year", "int"),
    ("audience", "vocabs:audiences"),
    ("association", "text"),
    ("event", "text"),
    ("rights", "text"),
    ("links", "list"),
)
MEDIA = (
    ("format", "vocab:media_formats"),
    ("carrier", "text"),
    ("publisher", "text"),
    ("place", "text"),
    ("isbn", "text"),
    ("pages", "int"),
    ("duration_min", "int"),
    ("series", "text"),
    ("inventory_number", "text"),
    ("shelf", "text"),
)
PORTFOLIO = (
    ("teacher", "text"),
    ("position", "text"),
    ("category", "vocab:categories"),
    ("category_assigned", "date"),
    ("experience_years", "int"),
    ("education", "textarea"),
    ("courses", "courses"),
    ("awards", "list"),
    ("competitions", "list"),
    ("works", "list"),
    ("contacts", "text"),
    ("birth_date", "date"),
)
FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "material": COMMON,
    "media": COMMON[:1] + MEDIA + COMMON[1:],
    "portfolio": (COMMON[0], *PORTFOLIO, *COMMON[2:]),
}


def editor_of(kind: str, name: str) -> str:
    """How field ``name`` of a ``kind`` record is edited (see :data:`FIELDS`)."""
    return dict(FIELDS[kind])[name]


def vocab_choices(vocab: str) -> list[str]:
    """What a picker offers: every label, then every synonym («ИЗО»…)."""
    terms = vocabularies.get(vocab).terms
    labels = [term.label for term in terms]
    synonyms = [s for term in terms for s in term.synonyms if s not in labels]
    return labels + synonyms


def canonical(vocab: str, value: str) -> str:
    """The stored value a typed label or synonym stands for (unknown text stays as typed)."""
    term = vocabularies.get(vocab).resolve(value)
    return term.code if term else value.strip()


def shown(vocab: str, code: str) -> str:
    """The label shown for a stored value."""
    return vocabularies.get(vocab).label(code)


def _number(value: Any) -> Any:
    """«2024» → 2024, «» → None; anything else stays for validation to name."""
    if value is None or isinstance(value, int):
        return value
    text = str(value).strip().replace(" ", "")
    if not text:
        return None
    return int(text) if text.isdigit() else text


def _date_shown(stored: str) -> str:
    """«2024-09-01» as «01.09.2024» (text that is not a date stays as it is)."""
    try:
        return date_text(stored)
    except ValueError:
        return stored


def _date_stored(typed: Any) -> str:
    """«1.9.2024» as «2024-09-01»; text that is no date stays for validation to name."""
    text = str(typed or "").strip()
    try:
        return parse_date(text).isoformat() if text else ""
    except ValueError:
        return text


def _courses(rows: list[Any]) -> list[Course]:
    courses = []
    for row in rows:
        if isinstance(row, Course):
            courses.append(row)
            continue
        courses.append(
            Course(
                title=str(row.get("title", "")).strip(),
                hours=_number(row.get("hours")) or 0,
                provider=str(row.get("provider", "")).strip(),
                year=_number(row.get("year")),
            )
        )
    return courses


@dataclass
class Conflict:
    """Someone saved the record after it was opened here."""

    message: str
    theirs: Record
    changes: list[Change] = field(default_factory=list)  # before: theirs, after: mine
    both: list[str] = field(default_factory=list)  # fields both people changed


class EditorModel(HasTraits):
    """A working copy of one record with validation, save, cancel and conflict handling.

    ``revision`` grows on every change of the working copy (a view redraws on it);
    ``errors`` maps field names to messages; ``message`` is the last outcome for the user.
    """

    record = Instance(Record, allow_none=True)
    errors = Dict()
    message = Unicode("")
    revision = Int(0)
    conflict = Instance(Conflict, allow_none=True)

    def __init__(
        self,
        workspace: Workspace,
        index: CatalogueIndex | None = None,
        user: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.workspace = workspace
        self.store = workspace.store
        self.index = index
        self.user = user if user is not None else known_name(workspace.path)
        self.base: Record | None = None  # the record as opened or last saved
        self.saved = 0

    # -- opening --------------------------------------------------------------------------

    def new(self, kind: str, **values: Any) -> Record:
        """Start a new record of ``kind`` (material, media or portfolio)."""
        if kind not in KINDS:
            raise ValueError(f"unknown record kind: {kind!r}")
        self.base = None
        self._open(new(kind, **values), t("editor.new_started"))
        return self._current()

    def load(self, record_id: str) -> Record | None:
        """Open a record by id; None (and a message) when there is no such record."""
        try:
            record = self.store.get(typed_id(record_id) or record_id.strip())
        except UserError as exc:
            self.message = str(exc)
            return None
        self.base = copy.deepcopy(record)
        self._open(record, t("editor.opened", id=record.id, version=record.version))
        return record

    def _open(self, record: Record, message: str) -> None:
        self.conflict = None
        self.record = record
        self.errors = {}
        self.message = message
        self.revision += 1

    def _current(self) -> Record:
        """The open record (the editor offers no editing before one is opened)."""
        if self.record is None:
            raise RuntimeError("no record is open: new() or load() one first")
        return self.record

    def _conflict(self) -> Conflict:
        """The conflict being resolved (the buttons exist only while there is one)."""
        if self.conflict is None:
            raise RuntimeError("there is no conflict to resolve")
        return self.conflict

    @property
    def kind(self) -> str:
        return self.record.kind if self.record else ""

    @property
    def dirty(self) -> bool:
        """Whether the working copy differs from what was opened or saved."""
        if self.record is None:
            return False
        return self.base is None or bool(diff(self.base, self.record))

    def fields(self) -> tuple[tuple[str, str], ...]:
        """The editable fields of the open record, in form order."""
        return FIELDS[self.kind] if self.record else ()

    # -- editing --------------------------------------------------------------------------

    def value(self, name: str) -> Any:
        """The current value of a field as a form shows it (vocabulary labels)."""
        raw = getattr(self.record, name)
        how = editor_of(self.kind, name)
        if how.startswith("vocabs:"):
            return [shown(how.split(":")[1], v) for v in raw]
        if how.startswith("vocab:"):
            return shown(how.split(":")[1], raw) if raw else ""
        if how == "int":
            return "" if raw is None else str(raw)
        if how == "date":
            return _date_shown(raw)
        if how == "courses":
            return [
                dict(title=c.title, hours=c.hours, provider=c.provider, year=c.year) for c in raw
            ]
        return raw

    def set(self, name: str, value: Any) -> None:
        """Change one field from what a person entered, then validate."""
        if self.record is None:
            raise ValueError("no record is open")
        how = editor_of(self.kind, name)
        if how.startswith("vocabs:"):
            vocab = how.split(":")[1]
            value = list(dict.fromkeys(canonical(vocab, v) for v in value if str(v).strip()))
        elif how.startswith("vocab:"):
            value = canonical(how.split(":")[1], value or "")
        elif how == "int":
            value = _number(value)
        elif how == "date":
            value = _date_stored(value)
        elif how in ("tags", "list"):
            value = [str(v).strip() for v in value if str(v).strip()]
        elif how == "courses":
            value = _courses(value)
        elif isinstance(value, str) and how != "textarea":
            value = value.strip()
        record = self._current()
        setattr(record, name, value)
        if isinstance(record, Portfolio) and name in ("category", "category_assigned"):
            self._update_expiry(record)
        self.validate()
        self.revision += 1

    def add_term(self, name: str, typed: str) -> str:
        """Add one value typed into a list field (Enter): a vocabulary field takes the term the
        text names — label or synonym, any letter case («физра» → «Физическая культура»).
        Return what to tell the person: the term it became, a duplicate or an unknown word
        ('' when added as typed)."""
        text = " ".join(str(typed).split())
        record = self._current()
        if not text:
            return ""
        how = editor_of(self.kind, name)
        current = list(getattr(record, name))
        note = ""
        if how.startswith("vocabs:"):
            vocab = vocabularies.get(how.split(":")[1])
            term = vocab.resolve(text)
            if term is None:
                return t("editor.term_unknown", value=text, field=self.field_label(name))
            value, shown_as = term.code, term.label
            if vocabularies.fold(text) != vocabularies.fold(shown_as):
                note = t("editor.term_resolved", value=text, term=shown_as)
            known = current
        else:
            value = shown_as = text
            known = [str(v).casefold() for v in current]
            if text.casefold() in known:
                return t("editor.term_twice", value=shown_as, field=self.field_label(name))
        if value in known:
            return t("editor.term_twice", value=shown_as, field=self.field_label(name))
        self.set(name, [*current, value])
        return note

    def _update_expiry(self, record: Portfolio) -> None:
        try:
            ends = expiry(record.category, record.category_assigned or None)
        except ValueError:
            return  # a malformed date: validation says so
        record.category_expires = ends.isoformat() if ends else ""

    def validate(self) -> dict[str, list[str]]:
        """Check the working copy; messages grouped by field (also kept in ``errors``)."""
        trial = normalise(copy.deepcopy(self._current()))
        found: dict[str, list[str]] = {}
        for error in validate(trial):
            found.setdefault(error.field, []).append(error.message)
        self.errors = found
        return found

    def accept_suggestion(self, name: str) -> None:
        """Take a value suggested by import (``record.suggested``) into the field."""
        record = self._current()
        value = record.suggested[name]
        self.set(name, value)
        record.suggested = {k: v for k, v in record.suggested.items() if k != name}
        self.revision += 1

    def attach(self, name: str, data: bytes) -> None:
        """Store a file in the workspace (text extracted once) and attach it."""
        attachment = self.workspace.add_attachment(name, data)
        attachments = self._current().attachments
        if all(a.sha256 != attachment.sha256 for a in attachments):
            attachments.append(attachment)
        self.message = t("editor.attached", name=name)
        self.revision += 1

    def detach(self, position: int) -> None:
        """Remove the attachment at ``position`` (the file stays in the workspace)."""
        del self._current().attachments[position]
        self.revision += 1

    # -- saving ---------------------------------------------------------------------------

    def save(self) -> Record | None:
        """Save the working copy; None when it is invalid or someone saved meanwhile."""
        if self.record is None:
            return None
        if self.validate():
            self.message = t("editor.fix_errors", count=sum(map(len, self.errors.values())))
            return None
        if not self.dirty:
            self.message = t("editor.no_changes", version=self.record.version)
            return None
        attempt = copy.deepcopy(self.record)
        reopened = reopens(attempt)
        try:
            saved = save_edit(self.store, attempt, signer(self.user))
        except ConflictError as exc:
            self._conflicted(exc)
            return None
        except UserError as exc:
            self.message = str(exc)
            return None
        self.saved += 1
        self.base = copy.deepcopy(saved)
        done = t("editor.saved", id=saved.id, version=saved.version)
        if reopened:
            done += " " + t("editor.reopened")
        self._open(saved, done)
        if self.index is not None:
            self.index.sync()
        return saved

    def _conflicted(self, refused: ConflictError) -> None:
        try:
            theirs = self.store.get(self._current().id, include_deleted=True)
        except StoreError:
            self.message = str(refused)
            return
        mine = self._current()
        both = merge(self.base, mine, theirs).conflicts if self.base else []
        message = t(
            "editor.conflict",
            by=theirs.updated_by,
            at=moment_text(theirs.updated_at),
            version=theirs.version,
        )
        self.conflict = Conflict(message, theirs, diff(theirs, mine), both)
        self.message = message

    def cancel(self) -> None:
        """Drop unsaved changes (a new record starts empty again)."""
        if self.base is not None:
            self._open(copy.deepcopy(self.base), t("editor.cancelled"))
        elif self.record is not None:
            self._open(new(self.kind), t("editor.cancelled"))

    def take_theirs(self) -> None:
        """Resolve a conflict by opening the other person's version (mine is dropped)."""
        theirs = self._conflict().theirs
        self.base = copy.deepcopy(theirs)
        self._open(copy.deepcopy(theirs), t("editor.took_theirs", version=theirs.version))

    def reapply_mine(self) -> Record | None:
        """Resolve a conflict by applying my changes on top of their version, then save."""
        theirs = copy.deepcopy(self._conflict().theirs)
        result = merge(self.base or theirs, self._current(), theirs)
        self.base = theirs
        self._open(result.record, "")
        return self.save()

    def field_label(self, name: str) -> str:
        """The Russian name of a field."""
        return label(name)

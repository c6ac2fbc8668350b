"""The repository: every read and write of the person's record goes through here.

Each public method runs in one transaction (retried with backoff when SQLite is locked or PostgreSQL
reports a serialisation failure, and for a few seconds while the server is unreachable, e.g. restarting),
validates its input first and raises :class:`StoreError` with nothing written when the input is bad or the
database stays unreachable (``database_unavailable``; ``database_commit_unknown`` when the connection dropped
during COMMIT itself, as a retry could then write twice). :meth:`Repository.transaction` groups several
calls into one transaction.
Log lines carry ids and codes only, never names, comments or notes.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from .. import settings
from . import bulk
from .catalog import ItemCatalog
from .engine import IMMEDIATE, make_engine, upgrade
from .errors import StoreError
from .files import FileStore, StagedFile
from .models import (
    AUTHOR_ROLES,
    ENDORSER_RELATIONS,
    EVIDENCE_KINDS,
    FOLLOWUP_KINDS,
    GOALS,
    NETWORKS,
    PERSON_STATUSES,
    PRESCRIBERS,
    RAE_MODALITIES,
    STATES,
    STRUCTURE_KINDS,
    USER_ROLES,
    WRITING_LEVELS,
    Assignment,
    Contract,
    Endorsement,
    Evidence,
    Experience,
    FollowUp,
    FollowUpParticipant,
    Membership,
    Person,
    PositioningEvent,
    StoredFile,
    Structure,
    User,
    new_id,
    utcnow,
)
from .positions import Positioning, PositionView, as_of_instant, build_view
from .records import (
    ContractRecord,
    EndorsementRecord,
    EvidenceRecord,
    ExperienceEntry,
    FollowUpRecord,
    ImportReport,
    Participant,
    PersonRecord,
    PositioningInput,
    StructureRecord,
    UserRecord,
)
from .schedule import pec_schedule
from .textcheck import check_characters

__all__ = ["Repository", "PARTICIPANT_ROLES", "MAX_COMMENT_CHARS"]

log = logging.getLogger("competency_graph.store")
T = TypeVar("T")

PARTICIPANT_ROLES = ("candidate", "accompanist", "employer", "tutor", "prescriber", "jury", "trainer", "family",
                     "other")
MAX_COMMENT_CHARS = 5000
MAX_NOTES_CHARS = 20000
_CLOCK_SKEW = dt.timedelta(minutes=5)

_STATE_FR = {"acquired": "acquis", "in_progress": "en cours", "not_yet": "pas encore"}


# PostgreSQL SQLSTATEs meaning "the server went away or is not accepting connections yet": class 08
# (connection exception), 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now (starting up).
_UNAVAILABLE_STATES = ("57P01", "57P02", "57P03")


def _unavailable(exc: DBAPIError) -> bool:
    """True when the database server cannot be reached (restart, crash, network) rather than refusing the query."""
    if exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError):
        return False
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate.startswith("08") or sqlstate in _UNAVAILABLE_STATES
    # psycopg raises OperationalError without a SQLSTATE when it cannot connect at all (refused, timeout).
    return type(exc.orig).__module__.split(".")[0] == "psycopg"


def _unavailable_error(*, commit_unknown: bool) -> StoreError:
    if commit_unknown:
        return StoreError(
            "database_commit_unknown",
            "La base de données est momentanément indisponible : l'enregistrement n'a peut-être pas abouti. "
            "Vérifiez dans un instant avant de le refaire.",
            "The database is temporarily unavailable: the write may not have been saved. Check in a moment "
            "before doing it again.")
    return StoreError(
        "database_unavailable",
        "La base de données est momentanément indisponible. Rien n'a été enregistré : réessayez dans un instant.",
        "The database is temporarily unavailable. Nothing was saved: try again in a moment.")


def _retryable(exc: DBAPIError) -> bool:
    message = str(exc.orig).lower()
    if "database is locked" in message or "database is busy" in message or "database table is locked" in message:
        return True
    return getattr(exc.orig, "sqlstate", None) in ("40001", "40P01")  # serialization failure, deadlock


def _choice(value: Any, allowed: Sequence[str], code: str, what_fr: str, what_en: str) -> str:
    if value not in allowed:
        options = ", ".join(allowed)
        raise StoreError(code, f"{what_fr} inconnu(e) : {value!r} (possibles : {options}).",
                         f"Unknown {what_en}: {value!r} (allowed: {options}).")
    return str(value)


def _text(value: str | None, limit: int, code: str, what_fr: str, what_en: str, *, required: bool = False
          ) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise StoreError(code, f"{what_fr} est obligatoire.", f"{what_en} is required.")
        return None
    if not isinstance(value, str):
        raise StoreError(code, f"{what_fr} doit être un texte.", f"{what_en} must be text.")
    if len(value) > limit:
        raise StoreError(code, f"{what_fr} est trop long ({limit} caractères au plus).",
                         f"{what_en} is too long (at most {limit} characters).")
    check_characters(value, code, what_fr, what_en, single_line=limit <= 300)  # NUL, controls, bidi overrides
    return value


def _aware(value: dt.datetime, what: str = "date") -> dt.datetime:
    if value.tzinfo is None:
        raise StoreError("naive_datetime", f"La {what} doit porter un fuseau horaire.",
                         f"The {what} must carry a time zone.")
    return value


def _not_found(code: str, what_fr: str, what_en: str, ident: str) -> StoreError:
    return StoreError(code, f"{what_fr} introuvable : {ident}.", f"{what_en} not found: {ident}.")


def _to_positioning(row: PositioningEvent) -> Positioning:
    return Positioning(
        id=row.id, uid=row.uid, person_id=row.person_id, item_id=row.item_id, level=row.level, state=row.state,
        author_role=row.author_role, author_id=row.author_id, referential_version=row.referential_version,
        comment=row.comment, positioned_at=row.positioned_at, recorded_at=row.recorded_at,
        corrects_id=row.corrects_id, source=row.source,
    )


class Repository:
    """Structures, people, users and roles, positionings, evidence and follow-up of one database.

    >>> repo = Repository.open("sqlite://")  # in memory; normally Repository.open() uses settings
    >>> repo.create_structure("ESAT des Tilleuls", "esat", networks=["rae"]).kind
    'esat'
    """

    def __init__(self, engine: Engine, *, catalog: ItemCatalog | None = None, files: FileStore | None = None,
                 retry_seconds: float = 60.0, unavailable_seconds: float = 5.0) -> None:
        self.engine = engine
        self._write_engine = engine.execution_options(**{IMMEDIATE: True})
        self.catalog = catalog
        self.files = files or FileStore(settings.data_dir() / "files")
        self.retry_seconds = retry_seconds
        # How long a call keeps trying while the server is unreachable (a PostgreSQL restart takes a second or
        # two) before raising ``database_unavailable``.
        self.unavailable_seconds = unavailable_seconds
        self._local = threading.local()

    @classmethod
    def open(cls, url: str | None = None, *, catalog: ItemCatalog | None = None,
             files_dir: Path | str | None = None, migrate: bool = True, **kwargs: Any) -> Repository:
        """A repository on ``url`` (default ``settings.database_url()``), migrated to the latest schema.

        An in-memory SQLite URL (``sqlite://``) keeps one shared connection so the data survives between calls.
        """
        url = url or settings.database_url()
        if url in ("sqlite://", "sqlite:///:memory:"):
            from sqlalchemy.pool import StaticPool

            engine = make_engine(url, poolclass=StaticPool)
        else:
            engine = make_engine(url)
        if migrate:
            try:
                upgrade(engine)
            except DBAPIError as exc:
                if not _unavailable(exc):
                    raise
                engine.dispose()
                log.error("database unreachable at start (%s)", type(exc.orig).__name__)
                raise _unavailable_error(commit_unknown=False) from exc
        files = FileStore(files_dir) if files_dir is not None else None
        return cls(engine, catalog=catalog, files=files, **kwargs)

    def close(self) -> None:
        self.engine.dispose()

    # -- transactions -----------------------------------------------------------------------------------

    def _run(self, fn: Callable[[Session], T], *, write: bool) -> T:
        current: Session | None = getattr(self._local, "session", None)
        if current is not None:
            return fn(current)
        engine = self._write_engine if write else self.engine
        started = time.monotonic()
        unreachable_since: float | None = None  # the outage is timed from its first error, not from the call
        attempt = 0
        while True:
            session = Session(engine, expire_on_commit=False)
            self._local.session = session
            committing = False
            try:
                with session.begin():
                    result = fn(session)
                    session.flush()
                    # Past this point only COMMIT is sent: if the connection drops now, the outcome is unknown.
                    committing = True
                return result
            except IntegrityError as exc:
                log.warning("write refused by a database constraint (%s)", type(exc.orig).__name__)
                raise StoreError("constraint_violated",
                                 "Écriture refusée : elle contredit une règle de la base (doublon ou lien absent).",
                                 "Write refused: it breaks a database rule (duplicate or missing link).") from exc
            except DBAPIError as exc:
                if _unavailable(exc):
                    attempt += 1
                    if write and committing:
                        # Retrying could write twice; PostgreSQL commits all or nothing, so nothing is half written.
                        log.error("database connection lost while committing (%s)", type(exc.orig).__name__)
                        raise _unavailable_error(commit_unknown=True) from exc
                    if unreachable_since is None:
                        unreachable_since = time.monotonic()
                    if time.monotonic() - unreachable_since > self.unavailable_seconds:
                        log.error("database unreachable after %d attempts (%s)", attempt, type(exc.orig).__name__)
                        raise _unavailable_error(commit_unknown=False) from exc
                    log.warning("database unreachable, retrying (%s)", type(exc.orig).__name__)
                    time.sleep(min(0.5, 0.05 * 2 ** min(attempt, 4)))
                    continue
                if isinstance(exc, DataError):  # e.g. a NUL byte PostgreSQL cannot store: a refusal, not a crash
                    raise StoreError("bad_value", "Valeur refusée par la base (caractère ou format invalide).",
                                     "Value refused by the database (invalid character or format).") from exc
                if getattr(exc.orig, "sqlstate", None) == "42501":  # row-level security of a multi-site database
                    raise StoreError("database_refused", "Écriture refusée par la base : ce dossier n'est pas "
                                     "celui de votre structure.", "Refused by the database's row-level security.") from exc
                if not _retryable(exc):
                    raise
                attempt += 1
                if time.monotonic() - started > self.retry_seconds:
                    log.error("database still busy after %d attempts", attempt)
                    raise StoreError("database_busy", "La base est occupée, réessayez dans un instant.",
                                     "The database is busy, try again in a moment.") from exc
                time.sleep(min(0.25, 0.002 * 2 ** min(attempt, 8)) * random.uniform(0.5, 1.5))
            finally:
                self._local.session = None
                session.close()

    def transaction(self, fn: Callable[[Repository], T]) -> T:
        """Run ``fn(self)`` in one write transaction: every repository call inside it commits together or
        not at all. ``fn`` may be run again when the database was busy, so it must only touch the database."""
        return self._run(lambda _session: fn(self), write=True)

    # -- structures -------------------------------------------------------------------------------------

    @staticmethod
    def _structure_record(row: Structure) -> StructureRecord:
        return StructureRecord(row.id, row.name, row.kind, tuple(row.networks or ()), row.field, row.created_at)

    def create_structure(self, name: str, kind: str, *, networks: Iterable[str] = (), field: str | None = None,
                         structure_id: str | None = None) -> StructureRecord:
        """Register an establishment (``kind``: esat, ea, ime, siae-aci, pec-employer…) and its networks."""
        name = _text(name, 200, "bad_name", "Le nom", "The name", required=True) or ""
        _choice(kind, STRUCTURE_KINDS, "bad_structure_kind", "Type de structure", "structure kind")
        nets = [_choice(n, NETWORKS, "bad_network", "Réseau", "network") for n in networks]

        def write(s: Session) -> StructureRecord:
            if structure_id and s.get(Structure, structure_id) is not None:
                raise StoreError("duplicate_id", f"Cet identifiant existe déjà : {structure_id}.",
                                 f"This id already exists: {structure_id}.")
            row = Structure(id=structure_id or new_id(), name=name, kind=kind, networks=nets, field=field)
            s.add(row)
            s.flush()
            log.info("structure created id=%s kind=%s", row.id, kind)
            return self._structure_record(row)

        return self._run(write, write=True)

    def get_structure(self, structure_id: str) -> StructureRecord:
        def read(s: Session) -> StructureRecord:
            row = s.get(Structure, structure_id)
            if row is None:
                raise _not_found("unknown_structure", "Structure", "Structure", structure_id)
            return self._structure_record(row)

        return self._run(read, write=False)

    def list_structures(self) -> list[StructureRecord]:
        return self._run(lambda s: [self._structure_record(r) for r in s.scalars(
            select(Structure).order_by(Structure.name, Structure.id))], write=False)

    # -- people -----------------------------------------------------------------------------------------

    @staticmethod
    def _person_record(s: Session, row: Person) -> PersonRecord:
        experience = tuple(
            ExperienceEntry(e.job, e.months, e.in_pec, e.current)
            for e in s.scalars(select(Experience).where(Experience.person_id == row.id).order_by(Experience.id))
        )
        own = tuple(row.networks) if row.networks is not None else None
        if own is None:
            structure = s.get(Structure, row.structure_id)
            effective = tuple(structure.networks or ()) if structure else ()
        else:
            effective = own
        return PersonRecord(row.id, row.structure_id, row.display_name, row.status, row.birth_year, row.writing,
                            row.goal, row.target, effective, own, experience, row.created_at)

    @staticmethod
    def _check_person_fields(fields: dict[str, Any]) -> dict[str, Any]:
        checked: dict[str, Any] = {}
        allowed = {"display_name", "status", "writing", "goal", "networks", "birth_year", "target", "structure_id"}
        for key, value in fields.items():
            if key not in allowed:
                raise StoreError("bad_field", f"Champ inconnu : {key}.", f"Unknown field: {key}.")
            if key == "display_name":
                value = _text(value, 200, "bad_name", "Le nom", "The name", required=True)
            elif key == "status":
                _choice(value, PERSON_STATUSES, "bad_status", "Statut", "status")
            elif key == "writing" and value is not None:
                _choice(value, WRITING_LEVELS, "bad_writing", "Niveau d'écrit", "writing level")
            elif key == "goal" and value is not None:
                _choice(value, GOALS, "bad_goal", "Objectif", "goal")
            elif key == "networks" and value is not None:
                value = [_choice(n, NETWORKS, "bad_network", "Réseau", "network") for n in value]
            elif key == "birth_year" and value is not None:
                if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= dt.date.today().year:
                    raise StoreError("bad_birth_year", "Année de naissance invalide.", "Invalid birth year.")
            elif key == "target" and value is not None:
                value = _text(value, 200, "bad_target", "La cible", "The target")
            checked[key] = value
        return checked

    @staticmethod
    def _check_experience(experience: Iterable[ExperienceEntry]) -> list[ExperienceEntry]:
        entries = list(experience)
        for e in entries:
            _text(e.job, 200, "bad_experience", "Le métier", "The job", required=True)
            if isinstance(e.months, bool) or not isinstance(e.months, int) or not 0 <= e.months <= 600:
                raise StoreError("bad_experience", "Durée d'expérience invalide (mois entre 0 et 600).",
                                 "Invalid experience length (months between 0 and 600).")
        return entries

    def create_person(self, structure_id: str, display_name: str, status: str, *, person_id: str | None = None,
                      birth_year: int | None = None, writing: str | None = None, goal: str | None = None,
                      target: str | None = None, networks: Iterable[str] | None = None,
                      experience: Iterable[ExperienceEntry] = ()) -> PersonRecord:
        """Register a candidate in a structure, with their profile and experience by job."""
        fields = self._check_person_fields({
            "display_name": display_name, "status": status, "birth_year": birth_year, "writing": writing,
            "goal": goal, "target": target, "networks": list(networks) if networks is not None else None,
        })
        entries = self._check_experience(experience)

        def write(s: Session) -> PersonRecord:
            if s.get(Structure, structure_id) is None:
                raise _not_found("unknown_structure", "Structure", "Structure", structure_id)
            if person_id and s.get(Person, person_id) is not None:
                raise StoreError("duplicate_id", f"Cet identifiant existe déjà : {person_id}.",
                                 f"This id already exists: {person_id}.")
            row = Person(id=person_id or new_id(), structure_id=structure_id, **fields)
            s.add(row)
            s.flush()
            for e in entries:
                s.add(Experience(person_id=row.id, job=e.job, months=e.months, in_pec=e.in_pec, current=e.current))
            s.flush()
            log.info("person created id=%s structure=%s", row.id, structure_id)
            return self._person_record(s, row)

        return self._run(write, write=True)

    def update_person(self, person_id: str, **changes: Any) -> PersonRecord:
        """Change profile fields (display_name, status, birth_year, writing, goal, target, networks, structure_id)."""
        fields = self._check_person_fields(changes)

        def write(s: Session) -> PersonRecord:
            row = self._person(s, person_id)
            if "structure_id" in fields and s.get(Structure, fields["structure_id"]) is None:
                raise _not_found("unknown_structure", "Structure", "Structure", fields["structure_id"])
            for key, value in fields.items():
                setattr(row, key, value)
            s.flush()
            log.info("person updated id=%s fields=%s", person_id, ",".join(sorted(fields)))
            return self._person_record(s, row)

        return self._run(write, write=True)

    def set_experience(self, person_id: str, experience: Iterable[ExperienceEntry]) -> PersonRecord:
        """Replace the person's experience list (profile data, not an event history)."""
        entries = self._check_experience(experience)

        def write(s: Session) -> PersonRecord:
            row = self._person(s, person_id)
            for old in s.scalars(select(Experience).where(Experience.person_id == person_id)):
                s.delete(old)
            s.flush()
            for e in entries:
                s.add(Experience(person_id=person_id, job=e.job, months=e.months, in_pec=e.in_pec,
                                 current=e.current))
            s.flush()
            return self._person_record(s, row)

        return self._run(write, write=True)

    @staticmethod
    def _person(s: Session, person_id: str) -> Person:
        row = s.get(Person, person_id)
        if row is None:
            raise _not_found("unknown_person", "Personne", "Person", person_id)
        return row

    def get_person(self, person_id: str) -> PersonRecord:
        return self._run(lambda s: self._person_record(s, self._person(s, person_id)), write=False)

    def find_person(self, person_id: str) -> PersonRecord | None:
        """Like :meth:`get_person` but None when absent (two queries: person with structure, experience)."""
        return self._run(lambda s: bulk.person_records(s, [person_id]).get(person_id), write=False)

    def list_people(self, structure_id: str | None = None) -> list[PersonRecord]:
        def read(s: Session) -> list[PersonRecord]:
            query = select(Person.id) if structure_id is None else select(Person.id).where(Person.structure_id == structure_id)
            return list(bulk.person_records(s, query, by_name=True).values())  # 2 queries, not 2 per person

        return self._run(read, write=False)

    # -- users, roles, assignments ----------------------------------------------------------------------

    @staticmethod
    def _user_record(s: Session, row: User) -> UserRecord:
        roles = tuple((m.structure_id, m.role) for m in s.scalars(
            select(Membership).where(Membership.user_id == row.id).order_by(Membership.structure_id, Membership.role)))
        return UserRecord(row.id, row.login, row.display_name, row.person_id, row.active, roles)

    def create_user(self, login: str, display_name: str, *, person_id: str | None = None,
                    user_id: str | None = None) -> UserRecord:
        """A user account (authentication is added elsewhere); ``person_id`` links a candidate to their record."""
        login = _text(login, 200, "bad_login", "L'identifiant de connexion", "The login", required=True) or ""
        display_name = _text(display_name, 200, "bad_name", "Le nom", "The name", required=True) or ""

        def write(s: Session) -> UserRecord:
            if s.scalar(select(User.id).where(User.login == login)) is not None:
                raise StoreError("duplicate_login", "Cet identifiant de connexion est déjà pris.",
                                 "This login is already taken.")
            if person_id is not None:
                self._person(s, person_id)
            row = User(id=user_id or new_id(), login=login, display_name=display_name, person_id=person_id)
            s.add(row)
            s.flush()
            log.info("user created id=%s", row.id)
            return self._user_record(s, row)

        return self._run(write, write=True)

    def _user(self, s: Session, user_id: str) -> User:
        row = s.get(User, user_id)
        if row is None:
            raise _not_found("unknown_user", "Utilisateur", "User", user_id)
        return row

    def get_user(self, user_id: str) -> UserRecord:
        found = self._run(lambda s: bulk.user_record(s, user_id), write=False)  # user and roles: one query
        return found if found is not None else self._run(lambda s: self._user_record(s, self._user(s, user_id)), write=False)

    def find_user_by_login(self, login: str) -> UserRecord | None:
        def read(s: Session) -> UserRecord | None:
            row = s.scalar(select(User).where(User.login == login))
            return self._user_record(s, row) if row else None

        return self._run(read, write=False)

    def list_users(self, structure_id: str | None = None) -> list[UserRecord]:
        def read(s: Session) -> list[UserRecord]:
            query = select(User).order_by(User.display_name, User.id)
            if structure_id is not None:
                query = query.where(User.id.in_(select(Membership.user_id).where(
                    Membership.structure_id == structure_id)))
            return [self._user_record(s, r) for r in s.scalars(query)]

        return self._run(read, write=False)

    def grant_role(self, user_id: str, structure_id: str, role: str) -> UserRecord:
        """Give ``role`` (candidate, accompanist, trainer, admin) in a structure; granting twice is harmless."""
        _choice(role, USER_ROLES, "bad_role", "Rôle", "role")

        def write(s: Session) -> UserRecord:
            user = self._user(s, user_id)
            if s.get(Structure, structure_id) is None:
                raise _not_found("unknown_structure", "Structure", "Structure", structure_id)
            exists = s.scalar(select(Membership.id).where(
                Membership.user_id == user_id, Membership.structure_id == structure_id, Membership.role == role))
            if exists is None:
                s.add(Membership(user_id=user_id, structure_id=structure_id, role=role))
                s.flush()
                log.info("role granted user=%s structure=%s role=%s", user_id, structure_id, role)
            return self._user_record(s, user)

        return self._run(write, write=True)

    def revoke_role(self, user_id: str, structure_id: str, role: str) -> UserRecord:
        def write(s: Session) -> UserRecord:
            user = self._user(s, user_id)
            for m in s.scalars(select(Membership).where(
                    Membership.user_id == user_id, Membership.structure_id == structure_id, Membership.role == role)):
                s.delete(m)
            s.flush()
            log.info("role revoked user=%s structure=%s role=%s", user_id, structure_id, role)
            return self._user_record(s, user)

        return self._run(write, write=True)

    def has_role(self, user_id: str, role: str, structure_id: str | None = None) -> bool:
        """True when the user holds ``role`` (in ``structure_id``, or anywhere when None)."""
        def read(s: Session) -> bool:
            query = select(Membership.id).where(Membership.user_id == user_id, Membership.role == role)
            if structure_id is not None:
                query = query.where(Membership.structure_id == structure_id)
            return s.scalar(query.limit(1)) is not None

        return self._run(read, write=False)

    def assign(self, accompanist_id: str, person_id: str, *, since: dt.date | None = None) -> None:
        """Make ``accompanist_id`` follow ``person_id``; they must be accompanist in the person's structure."""
        def write(s: Session) -> None:
            self._user(s, accompanist_id)
            person = self._person(s, person_id)
            role = s.scalar(select(Membership.id).where(
                Membership.user_id == accompanist_id, Membership.structure_id == person.structure_id,
                Membership.role == "accompanist"))
            if role is None:
                raise StoreError("not_accompanist",
                                 "Cet utilisateur n'est pas accompagnateur dans la structure de la personne.",
                                 "This user is not an accompanist in the person's structure.")
            if self._open_assignment(s, accompanist_id, person_id) is None:
                s.add(Assignment(accompanist_id=accompanist_id, person_id=person_id, since=since or dt.date.today()))
                s.flush()
                log.info("assignment accompanist=%s person=%s", accompanist_id, person_id)

        self._run(write, write=True)

    @staticmethod
    def _open_assignment(s: Session, accompanist_id: str, person_id: str) -> Assignment | None:
        return s.scalar(select(Assignment).where(
            Assignment.accompanist_id == accompanist_id, Assignment.person_id == person_id,
            Assignment.until.is_(None)))

    def end_assignment(self, accompanist_id: str, person_id: str, *, until: dt.date | None = None) -> None:
        def write(s: Session) -> None:
            row = self._open_assignment(s, accompanist_id, person_id)
            if row is not None:
                row.until = until or dt.date.today()
                log.info("assignment ended accompanist=%s person=%s", accompanist_id, person_id)

        self._run(write, write=True)

    def is_assigned(self, accompanist_id: str, person_id: str, *, on: dt.date | None = None) -> bool:
        """True when the accompanist follows the person on ``on`` (default today)."""
        day = on or dt.date.today()

        def read(s: Session) -> bool:
            return s.scalar(select(Assignment.id).where(
                Assignment.accompanist_id == accompanist_id, Assignment.person_id == person_id,
                Assignment.since <= day, (Assignment.until.is_(None)) | (Assignment.until >= day)).limit(1)) is not None

        return self._run(read, write=False)

    def candidates_of(self, accompanist_id: str, *, on: dt.date | None = None) -> list[PersonRecord]:
        """The people an accompanist follows on ``on`` (default today)."""
        day = on or dt.date.today()

        def read(s: Session) -> list[PersonRecord]:
            ids = select(Assignment.person_id).where(
                Assignment.accompanist_id == accompanist_id, Assignment.since <= day,
                (Assignment.until.is_(None)) | (Assignment.until >= day))
            return list(bulk.person_records(s, ids, by_name=True).values())

        return self._run(read, write=False)

    def accompanists_of(self, person_id: str, *, on: dt.date | None = None) -> list[UserRecord]:
        day = on or dt.date.today()

        def read(s: Session) -> list[UserRecord]:
            ids = select(Assignment.accompanist_id).where(
                Assignment.person_id == person_id, Assignment.since <= day,
                (Assignment.until.is_(None)) | (Assignment.until >= day))
            return [self._user_record(s, r) for r in s.scalars(select(User).where(User.id.in_(ids)).order_by(User.id))]

        return self._run(read, write=False)

    # -- positionings -----------------------------------------------------------------------------------

    def _require_catalog(self) -> ItemCatalog:
        if self.catalog is None:
            raise StoreError("no_catalog", "Aucun référentiel chargé : impossible de vérifier l'élément.",
                             "No referential loaded: the item cannot be checked.")
        return self.catalog

    def _check_positioning(self, entry: PositioningInput, now: dt.datetime) -> tuple[str, dt.datetime]:
        """Validate what does not need the database; return (referential version, positioned_at)."""
        catalog = self._require_catalog()
        _choice(entry.role, AUTHOR_ROLES, "bad_author_role", "Rôle d'auteur", "author role")
        item = entry.item_id
        if not isinstance(item, str) or not catalog.has_item(item):
            raise StoreError("unknown_item", f"Élément inconnu du référentiel : {item!r}.",
                             f"Unknown referential item: {item!r}.")
        bounds = catalog.level_range(item)
        if bounds is None:
            if entry.level is not None:
                raise StoreError("state_required",
                                 f"{item} ne se positionne pas par niveau : indiquez un état "
                                 "(acquis, en cours, pas encore).",
                                 f"{item} is not graded: give a state (acquired, in_progress, not_yet).")
            if entry.state not in STATES:
                raise StoreError("bad_state", f"État invalide pour {item} : {entry.state!r} "
                                 "(acquis, en cours ou pas encore).",
                                 f"Invalid state for {item}: {entry.state!r} (acquired, in_progress or not_yet).")
        else:
            low, high = bounds
            if entry.state is not None:
                raise StoreError("level_required",
                                 f"{item} se positionne par un niveau de {low} à {high}, pas par un état.",
                                 f"{item} takes a level from {low} to {high}, not a state.")
            if isinstance(entry.level, bool) or not isinstance(entry.level, int):
                raise StoreError("level_required", f"Indiquez un niveau de {low} à {high} pour {item}.",
                                 f"Give a level from {low} to {high} for {item}.")
            if not low <= entry.level <= high:
                raise StoreError("level_out_of_range",
                                 f"Niveau {entry.level} hors de l'échelle de {item} ({low} à {high}).",
                                 f"Level {entry.level} is outside the scale of {item} ({low} to {high}).")
        _text(entry.comment, MAX_COMMENT_CHARS, "bad_comment", "Le commentaire", "The comment")
        at = _aware(entry.at, "date du positionnement") if entry.at is not None else now
        if at > now + _CLOCK_SKEW:
            raise StoreError("future_positioning", "Un positionnement ne peut pas être daté dans le futur.",
                             "A positioning cannot be dated in the future.")
        version = entry.referential_version or catalog.referential_version(item)
        _text(version, 64, "bad_version", "La version du référentiel", "The referential version", required=True)
        _text(entry.uid, 64, "bad_uid", "L'identifiant d'événement", "The event id")
        return version, at

    def _insert_positionings(self, s: Session, entries: Sequence[PositioningInput], labels: Sequence[str] | None,
                             skip_existing_uids: bool = False) -> tuple[list[Positioning], int]:
        now = utcnow()
        problems: list[tuple[str, StoreError]] = []
        checked: list[tuple[PositioningInput, str, dt.datetime]] = []
        known_people: set[str] = set()
        known_users: set[str] = set()
        seen_uids: set[str] = set()
        skipped = 0
        for index, entry in enumerate(entries):
            label = labels[index] if labels else f"#{index + 1}"
            try:
                version, at = self._check_positioning(entry, now)
                if entry.person_id not in known_people:
                    if s.scalar(select(Person.id).where(Person.id == entry.person_id)) is None:
                        raise _not_found("unknown_person", "Personne", "Person", entry.person_id)
                    known_people.add(entry.person_id)
                if entry.author_id is not None and entry.author_id not in known_users:
                    self._user(s, entry.author_id)
                    known_users.add(entry.author_id)
                if entry.corrects_id is not None:
                    target = s.get(PositioningEvent, entry.corrects_id)
                    if target is None or (target.person_id, target.item_id) != (entry.person_id, entry.item_id):
                        raise StoreError(
                            "bad_correction",
                            "La correction doit viser un positionnement de la même personne et du même élément.",
                            "A correction must target a positioning of the same person and item.")
                if entry.uid is not None:
                    if entry.uid in seen_uids:
                        raise StoreError("duplicate_uid", "Identifiant d'événement en double.",
                                         "Duplicate event id.")
                    seen_uids.add(entry.uid)
                    if s.scalar(select(PositioningEvent.id).where(PositioningEvent.uid == entry.uid)) is not None:
                        if skip_existing_uids:
                            skipped += 1
                            continue
                        raise StoreError("duplicate_uid", "Cet événement existe déjà.", "This event already exists.")
                checked.append((entry, version, at))
            except StoreError as error:
                problems.append((label, error))
        if problems:
            if len(problems) == 1 and len(entries) == 1:
                raise problems[0][1]
            raise StoreError(
                "invalid_positionings",
                f"{len(problems)} positionnement(s) invalide(s) : rien n'a été enregistré.",
                f"{len(problems)} invalid positioning(s): nothing was stored.",
                [f"{label} : {error.message_fr}" for label, error in problems],
            )
        pending = [
            Positioning(id=0, uid=entry.uid or new_id(), person_id=entry.person_id, item_id=entry.item_id,
                        level=entry.level, state=entry.state, author_role=entry.role, author_id=entry.author_id,
                        referential_version=version, comment=entry.comment, positioned_at=at, recorded_at=now,
                        corrects_id=entry.corrects_id, source=entry.source)
            for entry, version, at in checked
        ]
        if not pending:
            return [], skipped
        # A Core INSERT … RETURNING: the ORM unit of work would double the cost of a write and adds nothing here.
        values = [{"uid": p.uid, "person_id": p.person_id, "item_id": p.item_id, "level": p.level, "state": p.state,
                   "author_role": p.author_role, "author_id": p.author_id,
                   "referential_version": p.referential_version, "comment": p.comment,
                   "positioned_at": p.positioned_at, "recorded_at": p.recorded_at, "corrects_id": p.corrects_id,
                   "source": p.source} for p in pending]
        ids = s.execute(insert(PositioningEvent).returning(PositioningEvent.id, sort_by_parameter_order=True),
                        values).scalars().all()
        return [replace(p, id=i) for p, i in zip(pending, ids, strict=True)], skipped

    def record_positioning(self, person_id: str, item_id: str, *, role: str, level: int | None = None,
                           state: str | None = None, author_id: str | None = None, comment: str | None = None,
                           at: dt.datetime | None = None, corrects_id: int | None = None,
                           source: str = "app") -> Positioning:
        """Append one positioning event. Graded items take ``level`` (checked against the catalog's range),
        ungraded ones ``state`` (acquired / in_progress / not_yet). ``role``: self, accompanist, jury, tutor.
        A correction is a new event (optionally pointing at the corrected one with ``corrects_id``)."""
        entry = PositioningInput(person_id, item_id, role, level, state, author_id, comment, at,
                                 corrects_id=corrects_id, source=source)
        self._check_positioning(entry, utcnow())  # fail fast, before opening a write transaction

        def write(s: Session) -> Positioning:
            event = self._insert_positionings(s, [entry], None)[0][0]
            log.debug("positioning recorded event=%s item=%s role=%s", event.id, item_id, role)
            return event

        return self._run(write, write=True)

    def record_positionings(self, entries: Iterable[PositioningInput], *, labels: Sequence[str] | None = None,
                            skip_existing_uids: bool = False) -> ImportReport:
        """Append many positionings in one transaction; all are checked first and, when any is bad, a single
        :class:`StoreError` lists every problem (``labels`` name them, e.g. CSV lines) and nothing is written."""
        batch = list(entries)

        def write(s: Session) -> ImportReport:
            inserted, skipped = self._insert_positionings(s, batch, labels, skip_existing_uids)
            log.info("positionings recorded count=%d skipped=%d", len(inserted), skipped)
            return ImportReport(len(inserted), skipped)

        return self._run(write, write=True)

    def _events(self, s: Session, person_ids: Sequence[str] | None, item_id: str | None,
                as_of: dt.datetime | dt.date | None) -> list[Positioning]:
        query = select(PositioningEvent).order_by(PositioningEvent.positioned_at, PositioningEvent.id)
        if person_ids is not None:
            query = query.where(PositioningEvent.person_id.in_(person_ids))
        if item_id is not None:
            query = query.where(PositioningEvent.item_id == item_id)
        instant = as_of_instant(_aware(as_of) if isinstance(as_of, dt.datetime) else as_of)
        if instant is not None:
            query = query.where(PositioningEvent.positioned_at <= instant)
        return [_to_positioning(r) for r in s.scalars(query)]

    def history(self, person_id: str, *, item_id: str | None = None, as_of: dt.datetime | dt.date | None = None
                ) -> list[Positioning]:
        """Every positioning of the person (on one item when given), oldest first."""
        def read(s: Session) -> list[Positioning]:
            self._person(s, person_id)
            return self._events(s, [person_id], item_id, as_of)

        return self._run(read, write=False)

    def current_view(self, person_id: str, *, as_of: dt.datetime | dt.date | None = None) -> PositionView:
        """Per item, the latest self / accompanist / jury / tutor positioning side by side, with divergence
        flags; ``as_of`` (a date means the end of that day, UTC) replays the history up to that instant."""
        def read(s: Session) -> PositionView:
            self._person(s, person_id)
            return build_view(person_id, self._events(s, [person_id], None, as_of), as_of)

        return self._run(read, write=False)

    def structure_views(self, structure_id: str | None = None, *, as_of: dt.datetime | dt.date | None = None
                        ) -> dict[str, PositionView]:
        """The current view of every person of a structure (all people when None), in one query — the input
        of cohort analyses."""
        def read(s: Session) -> dict[str, PositionView]:
            query = select(Person.id)
            if structure_id is not None:
                query = query.where(Person.structure_id == structure_id)
            people = list(s.scalars(query))
            by_person: dict[str, list[Positioning]] = {p: [] for p in people}
            subset = None if structure_id is None else people
            for event in self._events(s, subset, None, as_of):
                by_person.setdefault(event.person_id, []).append(event)
            return {p: build_view(p, events, as_of) for p, events in by_person.items()}

        return self._run(read, write=False)

    def count_positionings(self, person_id: str | None = None) -> int:
        def read(s: Session) -> int:
            query = select(func.count(PositioningEvent.id))
            if person_id is not None:
                query = query.where(PositioningEvent.person_id == person_id)
            return int(s.scalar(query) or 0)

        return self._run(read, write=False)

    # -- evidence ---------------------------------------------------------------------------------------

    @staticmethod
    def _evidence_record(s: Session, row: Evidence) -> EvidenceRecord:
        stored = s.get(StoredFile, row.file_sha256) if row.file_sha256 else None
        endorsements = tuple(
            EndorsementRecord(e.id, e.evidence_id, e.endorser_name, e.relation, e.statement, e.endorsed_on)
            for e in s.scalars(select(Endorsement).where(Endorsement.evidence_id == row.id).order_by(
                Endorsement.endorsed_on, Endorsement.id))
        )
        return EvidenceRecord(
            row.id, row.person_id, row.item_id, row.positioning_id, row.kind, row.rae_modality, row.title,
            row.description, row.url, row.file_sha256, stored.media_type if stored else None,
            stored.size if stored else None, row.original_name, row.evidence_date, row.author_id, row.created_at,
            endorsements,
        )

    def add_evidence(self, person_id: str, kind: str, title: str, *, item_id: str | None = None,
                     positioning_id: int | None = None, rae_modality: str | None = None,
                     description: str | None = None, url: str | None = None,
                     content: bytes | BinaryIO | None = None, filename: str | None = None,
                     evidence_date: dt.date | None = None, author_id: str | None = None,
                     also: Callable[[], None] | None = None) -> EvidenceRecord:
        """Add a proof to the dossier: ``kind`` photo, document, video_link, observation, attestation or
        endorsement; attached to an item and/or a positioning; an optional file is checked (size, magic
        bytes) and stored by content hash; ``filename`` is kept as a label only."""
        _choice(kind, EVIDENCE_KINDS, "bad_evidence_kind", "Type de preuve", "evidence kind")
        if rae_modality is not None:
            _choice(rae_modality, RAE_MODALITIES, "bad_rae_modality", "Modalité RAE", "RAE modality")
        title = _text(title, 300, "bad_title", "Le titre", "The title", required=True) or ""
        description = _text(description, MAX_NOTES_CHARS, "bad_description", "La description", "The description")
        filename = _text(filename, 300, "bad_filename", "Le nom de fichier", "The file name")
        if item_id is None and positioning_id is None:
            raise StoreError("evidence_unattached", "Une preuve doit viser un élément ou un positionnement.",
                             "A proof must be attached to an item or a positioning.")
        if item_id is not None and not self._require_catalog().has_item(item_id):
            raise StoreError("unknown_item", f"Élément inconnu du référentiel : {item_id!r}.",
                             f"Unknown referential item: {item_id!r}.")
        if url is not None:
            url = url.strip()
            if not url.startswith(("https://", "http://")) or len(url) > 2000 or any(c.isspace() for c in url):
                raise StoreError("bad_url", "Lien invalide : il doit commencer par https://.",
                                 "Invalid link: it must start with https://.")
        if kind == "video_link" and url is None:
            raise StoreError("url_required", "Un lien vidéo demande une adresse.", "A video link needs an address.")
        if kind == "photo" and content is None:
            raise StoreError("file_required", "Une photo demande un fichier image.", "A photo needs an image file.")
        if kind == "observation" and not description:
            raise StoreError("description_required", "Une observation demande un texte.",
                             "An observation needs a text.")
        day = evidence_date or dt.date.today()
        if day > dt.date.today() + dt.timedelta(days=1):
            raise StoreError("future_date", "La date de la preuve est dans le futur.",
                             "The proof date is in the future.")
        staged: StagedFile | None = self.files.stage(content) if content is not None else None
        if staged is not None and kind == "photo" and not staged.media_type.startswith("image/"):
            self.files.discard(staged)
            raise StoreError("file_type_refused", "Une photo doit être une image (JPEG, PNG, WebP, HEIC…).",
                             "A photo must be an image (JPEG, PNG, WebP, HEIC…).")

        def write(s: Session) -> EvidenceRecord:
            self._person(s, person_id)
            if author_id is not None:
                self._user(s, author_id)
            if positioning_id is not None:
                event = s.get(PositioningEvent, positioning_id)
                if event is None or event.person_id != person_id:
                    raise StoreError("bad_positioning", "Le positionnement visé n'est pas celui de cette personne.",
                                     "The positioning does not belong to this person.")
            sha = None
            if staged is not None:
                if self.files.commit(staged):
                    created_file.append(staged.sha256)
                sha = staged.sha256
                if s.get(StoredFile, sha) is None:
                    s.add(StoredFile(sha256=sha, size=staged.size, media_type=staged.media_type))
                    s.flush()
            row = Evidence(person_id=person_id, item_id=item_id, positioning_id=positioning_id, kind=kind,
                           rae_modality=rae_modality, title=title, description=description, url=url,
                           file_sha256=sha, original_name=filename, evidence_date=day, author_id=author_id)
            s.add(row)
            s.flush()
            if also is not None:  # e.g. the audit entry: committed with the row or not at all
                also()
            log.info("evidence added id=%s kind=%s file=%s", row.id, kind, "yes" if sha else "no")
            return self._evidence_record(s, row)

        created_file: list[str] = []  # set when this call put the file in place (write may run several times)
        try:
            return self._run(write, write=True)
        except BaseException as exc:
            if staged is not None:
                self.files.discard(staged)
                # When the commit's outcome is unknown the row may exist: keep the file (an orphan at worst).
                unknown = isinstance(exc, StoreError) and exc.code == "database_commit_unknown"
                if created_file and not unknown:
                    self._drop_unreferenced_file(staged.sha256)
            raise

    def _drop_unreferenced_file(self, sha256: str) -> None:
        """Remove a file this call just stored when the write that needed it failed, unless a row (committed
        by someone else meanwhile) uses it. One attempt: when the database is unreachable, nobody can have
        committed a row pointing to the file either."""
        try:
            with Session(self.engine) as s:
                used = s.get(StoredFile, sha256) is not None
        except DBAPIError:
            used = False
        if not used:
            self.files.delete(sha256)

    def endorse(self, evidence_id: str, endorser_name: str, relation: str, *, statement: str | None = None,
                endorsed_on: dt.date | None = None) -> EndorsementRecord:
        """Record that someone who saw the work (tutor, colleague, educator…) vouches for a proof."""
        endorser_name = _text(endorser_name, 200, "bad_name", "Le nom", "The name", required=True) or ""
        _choice(relation, ENDORSER_RELATIONS, "bad_relation", "Relation", "relation")
        statement = _text(statement, MAX_NOTES_CHARS, "bad_statement", "Le témoignage", "The statement")

        def write(s: Session) -> EndorsementRecord:
            if s.get(Evidence, evidence_id) is None:
                raise _not_found("unknown_evidence", "Preuve", "Evidence", evidence_id)
            row = Endorsement(evidence_id=evidence_id, endorser_name=endorser_name, relation=relation,
                              statement=statement, endorsed_on=endorsed_on or dt.date.today())
            s.add(row)
            s.flush()
            log.info("endorsement added id=%s evidence=%s relation=%s", row.id, evidence_id, relation)
            return EndorsementRecord(row.id, evidence_id, endorser_name, relation, statement, row.endorsed_on)

        return self._run(write, write=True)

    def list_evidence(self, person_id: str, *, item_id: str | None = None) -> list[EvidenceRecord]:
        def read(s: Session) -> list[EvidenceRecord]:
            self._person(s, person_id)
            query = select(Evidence).where(Evidence.person_id == person_id)
            if item_id is not None:
                query = query.where(Evidence.item_id == item_id)
            rows = s.scalars(query.order_by(Evidence.evidence_date, Evidence.created_at, Evidence.id))
            return [self._evidence_record(s, r) for r in rows]

        return self._run(read, write=False)

    def orphan_files(self, *, older_than: dt.timedelta = dt.timedelta(hours=1)) -> list[Path]:
        """Files in the store that no row points to (left when the database failed during a commit, or by a
        crash while uploading), untouched for ``older_than``: younger ones may belong to an upload in flight."""
        limit = time.time() - older_than.total_seconds()
        on_disk = self.files.hashes()
        known = set(self._run(lambda s: list(s.scalars(select(StoredFile.sha256))), write=False)) if on_disk else set()
        modified = {sha: self.files.modified_at(sha) for sha in sorted(on_disk - known)}
        orphans = [self.files.path(sha) for sha, at in modified.items() if at is not None and at < limit]
        for temp in self.files.temp_files():
            try:
                if temp.stat().st_mtime < limit:
                    orphans.append(temp)
            except FileNotFoundError:  # committed or discarded meanwhile
                pass
        return orphans

    def remove_orphan_files(self, *, older_than: dt.timedelta = dt.timedelta(hours=1)) -> int:
        """Delete what :meth:`orphan_files` finds, checking each hash again just before; returns the count."""
        removed = 0
        for path in self.orphan_files(older_than=older_than):
            if path.name.startswith(".upload-"):
                path.unlink(missing_ok=True)
            elif not self._run(lambda s, sha=path.name: s.get(StoredFile, sha) is not None, write=False):
                self.files.delete(path.name)
            else:
                continue
            removed += 1
        log.info("orphan files removed: %d", removed)
        return removed

    def evidence_file(self, evidence_id: str) -> tuple[bytes, str]:
        """The content and media type of a proof's file."""
        def read(s: Session) -> tuple[str, str]:
            row = s.get(Evidence, evidence_id)
            if row is None or row.file_sha256 is None:
                raise _not_found("unknown_evidence_file", "Fichier de preuve", "Evidence file", evidence_id)
            stored = s.get(StoredFile, row.file_sha256)
            return row.file_sha256, stored.media_type if stored else "application/octet-stream"

        sha, media_type = self._run(read, write=False)
        return self.files.read(sha), media_type

    # -- follow-up and contracts ------------------------------------------------------------------------

    @staticmethod
    def _followup_record(s: Session, row: FollowUp) -> FollowUpRecord:
        participants = tuple(Participant(p.role, p.user_id, p.name) for p in s.scalars(
            select(FollowUpParticipant).where(FollowUpParticipant.followup_id == row.id).order_by(
                FollowUpParticipant.id)))
        return FollowUpRecord(row.id, row.person_id, row.contract_id, row.kind, row.milestone, row.status,
                              row.scheduled_on, row.due_from, row.due_until, row.held_on, row.notes, row.snapshot,
                              participants)

    def _contract_record(self, s: Session, row: Contract) -> ContractRecord:
        followups = tuple(self._followup_record(s, f) for f in s.scalars(
            select(FollowUp).where(FollowUp.contract_id == row.id).order_by(FollowUp.scheduled_on, FollowUp.id)))
        return ContractRecord(row.id, row.person_id, row.employer_id, row.kind, row.start_date, row.end_date,
                              row.weekly_hours, row.prescriber, followups, row.job)

    def create_pec_contract(self, person_id: str, employer_id: str, start: dt.date, end: dt.date, *,
                            weekly_hours: int | None = 20, prescriber: str | None = None) -> ContractRecord:
        """Record a PEC contract and plan its follow-up: 1 month, mid-contract, ¾, and the exit interview
        1 to 3 months before ``end`` (seeds 001/002)."""
        schedule = pec_schedule(start, end)
        if prescriber is not None:
            _choice(prescriber, PRESCRIBERS, "bad_prescriber", "Prescripteur", "prescriber")
        if weekly_hours is not None and (isinstance(weekly_hours, bool) or not 1 <= weekly_hours <= 48):
            raise StoreError("bad_hours", "Durée hebdomadaire invalide (1 à 48 heures).",
                             "Invalid weekly hours (1 to 48).")

        def write(s: Session) -> ContractRecord:
            self._person(s, person_id)
            if s.get(Structure, employer_id) is None:
                raise _not_found("unknown_structure", "Structure", "Structure", employer_id)
            row = Contract(person_id=person_id, employer_id=employer_id, kind="pec", start_date=start, end_date=end,
                           weekly_hours=weekly_hours, prescriber=prescriber)
            s.add(row)
            s.flush()
            for m in schedule:
                s.add(FollowUp(person_id=person_id, contract_id=row.id, kind=m.kind, milestone=m.milestone,
                               status="planned", scheduled_on=m.scheduled_on, due_from=m.due_from,
                               due_until=m.due_until))
            s.flush()
            log.info("pec contract created id=%s person=%s followups=%d", row.id, person_id, len(schedule))
            return self._contract_record(s, row)

        return self._run(write, write=True)

    def list_contracts(self, person_id: str) -> list[ContractRecord]:
        def read(s: Session) -> list[ContractRecord]:
            self._person(s, person_id)
            rows = s.scalars(select(Contract).where(Contract.person_id == person_id).order_by(Contract.start_date))
            return [self._contract_record(s, r) for r in rows]

        return self._run(read, write=False)

    @staticmethod
    def _check_participants(participants: Iterable[Participant]) -> list[Participant]:
        checked = list(participants)
        for p in checked:
            _choice(p.role, PARTICIPANT_ROLES, "bad_participant_role", "Rôle de participant", "participant role")
            if p.user_id is None and not (p.name and p.name.strip()):
                raise StoreError("bad_participant", "Un participant est un utilisateur ou a un nom.",
                                 "A participant is a user or has a name.")
            _text(p.name, 200, "bad_name", "Le nom", "The name")
        return checked

    def plan_followup(self, person_id: str, kind: str, scheduled_on: dt.date, *, due_from: dt.date | None = None,
                      due_until: dt.date | None = None) -> FollowUpRecord:
        """Plan an interview (diagnostic, tripartite, follow_up, exit, jury_preparation, project_review)."""
        _choice(kind, FOLLOWUP_KINDS, "bad_followup_kind", "Type d'entretien", "interview kind")

        def write(s: Session) -> FollowUpRecord:
            self._person(s, person_id)
            row = FollowUp(person_id=person_id, kind=kind, status="planned", scheduled_on=scheduled_on,
                           due_from=due_from, due_until=due_until)
            s.add(row)
            s.flush()
            log.info("followup planned id=%s kind=%s", row.id, kind)
            return self._followup_record(s, row)

        return self._run(write, write=True)

    def _hold(self, s: Session, row: FollowUp, held_on: dt.date, notes: str | None,
              participants: list[Participant]) -> FollowUpRecord:
        for p in participants:
            if p.user_id is not None:
                self._user(s, p.user_id)
        row.status = "done"
        row.held_on = held_on
        row.notes = notes
        # The positions of that day, frozen: later events never change what was seen at the interview.
        row.snapshot = build_view(row.person_id, self._events(s, [row.person_id], None, held_on), held_on).to_dict()
        for p in participants:
            s.add(FollowUpParticipant(followup_id=row.id, role=p.role, user_id=p.user_id, name=p.name))
        s.flush()
        log.info("followup held id=%s kind=%s", row.id, row.kind)
        return self._followup_record(s, row)

    def hold_followup(self, followup_id: str, *, held_on: dt.date | None = None, notes: str | None = None,
                      participants: Iterable[Participant] = ()) -> FollowUpRecord:
        """Mark a planned interview as held; stores the notes, the participants and the positioning snapshot
        of that day."""
        notes = _text(notes, MAX_NOTES_CHARS, "bad_notes", "Les notes", "The notes")
        people = self._check_participants(participants)
        day = held_on or dt.date.today()

        def write(s: Session) -> FollowUpRecord:
            row = s.get(FollowUp, followup_id)
            if row is None:
                raise _not_found("unknown_followup", "Entretien", "Interview", followup_id)
            if row.status != "planned":
                raise StoreError("followup_closed", "Cet entretien est déjà clos.", "This interview is already closed.")
            return self._hold(s, row, day, notes, people)

        return self._run(write, write=True)

    def record_followup(self, person_id: str, kind: str, held_on: dt.date, *, notes: str | None = None,
                        participants: Iterable[Participant] = ()) -> FollowUpRecord:
        """Record an interview that was not planned in the tool (held on ``held_on``), with its snapshot."""
        _choice(kind, FOLLOWUP_KINDS, "bad_followup_kind", "Type d'entretien", "interview kind")
        notes = _text(notes, MAX_NOTES_CHARS, "bad_notes", "Les notes", "The notes")
        people = self._check_participants(participants)

        def write(s: Session) -> FollowUpRecord:
            self._person(s, person_id)
            row = FollowUp(person_id=person_id, kind=kind, status="planned", scheduled_on=held_on)
            s.add(row)
            s.flush()
            return self._hold(s, row, held_on, notes, people)

        return self._run(write, write=True)

    def cancel_followup(self, followup_id: str) -> FollowUpRecord:
        def write(s: Session) -> FollowUpRecord:
            row = s.get(FollowUp, followup_id)
            if row is None:
                raise _not_found("unknown_followup", "Entretien", "Interview", followup_id)
            if row.status != "planned":
                raise StoreError("followup_closed", "Cet entretien est déjà clos.", "This interview is already closed.")
            row.status = "cancelled"
            s.flush()
            return self._followup_record(s, row)

        return self._run(write, write=True)

    def list_followups(self, person_id: str, *, status: str | None = None) -> list[FollowUpRecord]:
        def read(s: Session) -> list[FollowUpRecord]:
            self._person(s, person_id)
            query = select(FollowUp).where(FollowUp.person_id == person_id)
            if status is not None:
                query = query.where(FollowUp.status == status)
            rows = s.scalars(query.order_by(FollowUp.scheduled_on, FollowUp.id))
            return [self._followup_record(s, r) for r in rows]

        return self._run(read, write=False)

    def due_followups(self, *, until: dt.date, structure_id: str | None = None) -> list[FollowUpRecord]:
        """Planned interviews scheduled on or before ``until`` (a to-do list for accompanists)."""
        def read(s: Session) -> list[FollowUpRecord]:
            query = select(FollowUp).where(FollowUp.status == "planned", FollowUp.scheduled_on <= until)
            if structure_id is not None:
                in_structure = select(Person.id).where(Person.structure_id == structure_id)
                query = query.where(FollowUp.person_id.in_(in_structure))
            return [self._followup_record(s, r) for r in s.scalars(query.order_by(FollowUp.scheduled_on, FollowUp.id))]

        return self._run(read, write=False)

    # -- profile files and CSV (formats in profiles.py and csvio.py) ------------------------------------

    def export_profile(self, person_id: str, *, as_of: dt.datetime | dt.date | None = None) -> Any:
        """The person's profile and positions as a :class:`profiles.Profile` (YAML format of ``recommend``)."""
        from . import facts as f
        from .profiles import profile_from_records

        return self._run(lambda s: profile_from_records(
            (person := self._person_record(s, self._person(s, person_id))),
            build_view(person_id, self._events(s, [person_id], None, as_of), as_of),
            facts=f.person_facts(self, person_id), structure=f.structure_facts(self, person.structure_id)), write=False)

    def import_profile(self, profile: Any, structure_id: str, *, display_name: str | None = None,
                       author_id: str | None = None, at: dt.datetime | None = None) -> PersonRecord:
        """Create or update the person of a :class:`profiles.Profile` in ``structure_id`` and append its
        positions as events (self, and accompanist for ``co``), skipping values already current."""
        from .profiles import apply_profile

        return self.transaction(lambda repo: apply_profile(repo, profile, structure_id, display_name=display_name,
                                                           author_id=author_id, at=at))

    def export_positionings_csv(self, *, person_ids: Sequence[str] | None = None,
                                structure_id: str | None = None) -> bytes:
        """Positioning history as CSV for Excel (UTF-8 with BOM, ``;``, formula cells neutralised)."""
        from .csvio import format_positionings

        def read(s: Session) -> list[Positioning]:
            ids = list(person_ids) if person_ids is not None else None
            if structure_id is not None:
                in_structure = list(s.scalars(select(Person.id).where(Person.structure_id == structure_id)))
                ids = in_structure if ids is None else [i for i in ids if i in set(in_structure)]
            return self._events(s, ids, None, None)

        return format_positionings(self._run(read, write=False))

    def import_positionings_csv(self, data: bytes, *, source: str = "csv") -> ImportReport:
        """Append the positionings of a CSV made by :meth:`export_positionings_csv` (or by hand: columns
        person_id;item;role;level;state, optional uid;positioned_at;referential_version;author_id;comment).
        Rows whose uid is already stored are skipped; any bad row refuses the whole file."""
        from .csvio import parse_positionings

        entries, labels = parse_positionings(data, source=source)
        return self.record_positionings(entries, labels=labels, skip_existing_uids=True)

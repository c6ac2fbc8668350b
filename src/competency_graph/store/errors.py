"""The one error type of the store: a stable code and its parameters; the French text comes from the catalogue.

A raise names a ``code`` (stable: tests, the UI and ``docs/errors.md`` rely on it) and ``params`` (a dict of
language-neutral values: ids, numbers, the value refused). The message is the catalogue's ``errors.<code>``
(or ``errors.<message>`` when a raise names another key: one code with several sentences, or a sentence
shared by several codes such as the text checks), its ``{placeholders}`` filled from ``params``. A parameter
named ``field`` names a label of the catalogue (``errors.field.<value>``), rendered in French.

>>> error = StoreError(code="unknown_item", params={"item": "rectec:C77"})
>>> error.message_fr
"Élément inconnu du référentiel : 'rectec:C77'."
>>> error.message_en
"Unknown item (item='rectec:C77')."
>>> StoreError(code="bad_comment", params={"field": "comment", "limit": 5000}, message="text.too_long").message_fr
'Le commentaire est trop long (5000 caractères au plus).'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..messages import t

__all__ = ["StoreError", "CODES", "render"]


def render(key: str, params: Mapping[str, Any]) -> str:
    """The French text of the catalogue key ``errors.<key>`` with ``params`` filled in."""
    values = {name: t(f"errors.field.{value}") if name == "field" else value for name, value in params.items()}
    return t(f"errors.{key}", **values)


class StoreError(Exception):
    """A refused operation. Nothing was written when this is raised.

    ``code`` is stable (tests and the UI rely on it); ``message_fr`` (from the catalogue) is shown to users,
    ``message_en`` (the code and its parameters) is for operators' logs. ``details`` lists extra lines
    (e.g. every bad CSV row), already in French. Messages never carry names or free-text comments.
    """

    def __init__(self, code: str, params: Mapping[str, Any] | None = None, *, message: str | None = None,
                 details: Sequence[str] | None = None) -> None:
        if params is not None and not isinstance(params, Mapping):
            raise TypeError(f"StoreError({code!r}): params is a dict; the message comes from the catalogue "
                            f"(errors.{code} in messages/fr.yaml), not from the raise")
        self.code = code
        self.params: dict[str, Any] = dict(params or {})
        self.message_key = message or code
        self.details = list(details or [])
        super().__init__(f"[{code}] {self.message_fr} / {self.message_en}")

    @property
    def message_fr(self) -> str:
        """The French message, rendered from the catalogue."""
        return render(self.message_key, self.params)

    @property
    def message_en(self) -> str:
        """The code and its parameters in English words, for logs (``Unknown item (item='x').``)."""
        text = self.code.replace("_", " ").capitalize()
        if self.message_key != self.code:
            text += f" [{self.message_key}]"
        if self.params:
            text += " (" + ", ".join(f"{name}={value!r}" for name, value in self.params.items()) + ")"
        return text + "."

    def message(self, lang: str = "fr") -> str:
        """The message in ``lang`` (``fr`` or ``en``), followed by its details."""
        text = self.message_en if lang == "en" else self.message_fr
        return "\n".join([text, *self.details]) if self.details else text

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.code, self.params, self.message_key, self.details))


def _rebuild(cls: type[StoreError], code: str, params: dict[str, Any], message: str, details: list[str]
             ) -> StoreError:
    error = cls.__new__(cls)
    StoreError.__init__(error, code, params, message=message, details=details)
    return error


# Every code raised in src/ (a test keeps this list in step with the source, another with docs/errors.md).
CODES = frozenset({
    # referential items and positionings
    "unknown_item", "level_out_of_range", "level_required", "state_required", "bad_state", "bad_author_role",
    "future_positioning", "naive_datetime", "bad_comment", "bad_version", "bad_uid", "duplicate_uid",
    "bad_correction", "invalid_positionings", "no_catalog",
    # records that must exist
    "unknown_person", "unknown_user", "unknown_structure", "unknown_evidence", "unknown_evidence_file",
    "unknown_followup", "duplicate_id", "duplicate_login",
    # people, structures, users, roles
    "bad_name", "bad_status", "bad_writing", "bad_goal", "bad_network", "bad_birth_year", "bad_target", "bad_field",
    "bad_experience", "bad_structure_kind", "bad_login", "bad_role", "not_accompanist", "person_other_structure",
    # evidence and files
    "bad_evidence_kind", "bad_rae_modality", "bad_title", "bad_description", "bad_filename", "bad_url",
    "url_required", "file_required", "description_required", "evidence_unattached", "bad_positioning",
    "future_date", "bad_relation", "bad_statement", "file_too_large", "file_type_refused", "empty_file",
    "bad_file_hash",
    # follow-up and contracts
    "contract_dates", "contract_too_short", "bad_prescriber", "bad_hours", "bad_followup_kind", "bad_notes",
    "bad_participant", "bad_participant_role", "followup_closed",
    # facts for the recognition rules (store/facts.py)
    "bad_trained_staff", "bad_field_structures", "bad_date", "bad_branch", "bad_cqp", "unknown_agreement",
    "bad_placement", "bad_contract_kind", "bad_dates", "bad_job", "unknown_contract", "bad_certification",
    "bad_outcome", "bad_bloc", "bad_jury", "bad_modality", "bad_note", "unknown_held",
    # files in and out
    "profile_duplicate_key", "profile_invalid", "profile_yaml", "profile_encoding", "profile_too_large",
    "csv_malformed", "csv_invalid", "xlsx_too_big", "xlsx_malformed",
    # recognition: validations and proof withdrawals (branch coassess)
    "bad_validator_role", "evidence_required", "not_co_positioned", "above_co_positioning", "not_acquired",
    "withdrawn_evidence", "unknown_validation", "already_withdrawn", "bad_replacement", "note_required",
    # caseload: interviews, preferences, trainer groups (branch caseload)
    "bad_milestone", "bad_window", "bad_text_size", "missing_group_name", "bad_group_name", "empty_group",
    "member_elsewhere", "duplicate_group", "unknown_group", "missing_day",
    # database
    "constraint_violated", "database_busy", "database_unavailable", "database_commit_unknown",
    # security round 2: images decoded at upload, values the database refuses (NUL on PostgreSQL)
    "image_unreadable", "image_too_large", "bad_value", "database_refused",
    # security: the access guard (security/errors.py AccessDenied)
    "access_denied", "not_managed", "not_signed_in",
    # security: accounts, sign-in and passwords (security/accounts.py, services/accounts.py)
    "bad_credentials", "bad_current_password", "demo_disabled", "password_required", "not_authorised",
    "sign_in_refused", "no_role", "password_too_short", "password_too_long", "password_obvious",
    "password_unchanged",
    # security: account and person administration (security/access_admin.py, people_admin.py, onboarding)
    "own_admin_role", "not_an_accompanist", "candidate_needs_person", "person_has_account",
    "person_only_for_candidates", "missing_login", "login_taken", "missing_name", "missing_password",
    # security: backups and retention (security/backup.py, security/rgpd.py)
    "backup_unsupported", "backup_missing", "backup_invalid", "backup_newer", "backup_exists", "bad_retention",
})

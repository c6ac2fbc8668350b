"""The one error type of the store: a stable code, a French message and an English one."""

from __future__ import annotations

__all__ = ["StoreError", "CODES"]


class StoreError(Exception):
    """A refused operation. Nothing was written when this is raised.

    ``code`` is stable (tests and the UI rely on it); ``message_fr`` is shown to users first,
    ``message_en`` is for logs of operators and English speakers. ``details`` lists extra lines
    (e.g. every bad CSV row), in French. Messages never carry names or free-text comments.
    """

    def __init__(self, code: str, message_fr: str, message_en: str, details: list[str] | None = None) -> None:
        super().__init__(f"[{code}] {message_fr} / {message_en}")
        self.code = code
        self.message_fr = message_fr
        self.message_en = message_en
        self.details = list(details or [])

    def message(self, lang: str = "fr") -> str:
        """The message in ``lang`` (``fr`` or ``en``), followed by its details."""
        text = self.message_en if lang == "en" else self.message_fr
        return "\n".join([text, *self.details]) if self.details else text


# Every code the store raises (a test keeps this list in step with the source). Stable: the UI and tests use them.
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
    "csv_malformed", "csv_invalid",
    # recognition: validations and proof withdrawals (branch coassess)
    "bad_validator_role", "evidence_required", "not_co_positioned", "above_co_positioning", "not_acquired",
    "withdrawn_evidence", "unknown_validation", "already_withdrawn", "bad_replacement",
    # caseload: interviews, preferences, trainer groups (branch caseload)
    "bad_milestone", "bad_window", "bad_text_size", "missing_group_name", "bad_group_name", "empty_group",
    "member_elsewhere", "duplicate_group", "unknown_group",
    # database
    "constraint_violated", "database_busy", "database_unavailable", "database_commit_unknown",
    # security round 2: images decoded at upload, values the database refuses (NUL on PostgreSQL)
    "image_unreadable", "image_too_large", "bad_value", "database_refused",
})

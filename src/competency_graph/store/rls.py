"""PostgreSQL row-level security per structure, for one database shared by several sites.

The access guard is the first line; these policies are a second one inside the database: a connection sees
and writes only the records of the structures listed in its setting ``competency_graph.structures``
(comma-separated ids; set per role with ``ALTER ROLE … SET``, or per connection with
``options=-c competency_graph.structures=…``). A connection without the setting sees no person at all.
Tables are ``FORCE``d so that even their owner obeys; the role that runs migrations keeps ``BYPASSRLS``
(or is a superuser). See ``docs/deployment.md`` §7.
"""

from __future__ import annotations

from sqlalchemy import Engine, text

__all__ = ["SETTING", "PERSON_TABLES", "statements", "enable", "grant_site_role"]

SETTING = "competency_graph.structures"
#: tables holding one person's record, filtered through the person's structure
PERSON_TABLES = ("positioning_events", "evidence", "followups", "contracts", "experiences", "assignments",
                 "erasure_requests", "person_archive", "held_certifications", "validation_events", "current_positions")
_SERVED = f"string_to_array(current_setting('{SETTING}', true), ',')"


def statements() -> list[str]:
    """The SQL that enables the policies (idempotent: policies are dropped and created again)."""
    sql = []

    def policy(table: str, name: str, condition: str) -> None:
        sql.extend([f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
                    f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
                    f"DROP POLICY IF EXISTS {name} ON {table}",
                    f"CREATE POLICY {name} ON {table} USING ({condition}) WITH CHECK ({condition})"])

    policy("people", "people_by_structure", f"structure_id = ANY ({_SERVED})")
    for table in PERSON_TABLES:
        policy(table, f"{table}_by_structure",
               f"person_id IN (SELECT id FROM people WHERE structure_id = ANY ({_SERVED}))")
    policy("endorsements", "endorsements_by_structure", "evidence_id IN (SELECT id FROM evidence)")
    policy("evidence_withdrawals", "evidence_withdrawals_by_structure", "evidence_id IN (SELECT id FROM evidence)")
    policy("followup_participants", "followup_participants_by_structure", "followup_id IN (SELECT id FROM followups)")
    return sql


def enable(engine: Engine) -> None:
    """Apply :func:`statements` on a PostgreSQL database (run by the owner of the tables)."""
    if engine.dialect.name != "postgresql":
        raise ValueError("row-level security is a PostgreSQL feature")
    with engine.begin() as connection:
        for statement in statements():
            connection.execute(text(statement))


def grant_site_role(engine: Engine, role: str, structures: list[str]) -> None:
    """Give an existing login ``role`` the rights the app needs, limited to ``structures`` by the policies."""
    if not role.replace("_", "").isalnum():
        raise ValueError(f"bad role name: {role!r}")
    served = ",".join(structures).replace("'", "''")
    with engine.begin() as connection:
        for statement in (f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
                          f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
                          f"ALTER ROLE {role} SET {SETTING} = '{served}'"):
            connection.execute(text(statement))

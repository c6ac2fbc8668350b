"""The unit of work on its own: one transaction per call, nested calls join it, retries, refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from competency_graph.store.errors import StoreError
from competency_graph.store.models import Structure
from competency_graph.store.unit import UnitOfWork, is_retryable


@pytest.fixture()
def uow(tmp_path) -> UnitOfWork:
    unit = UnitOfWork.open(f"sqlite:///{tmp_path / 'u.db'}", files_dir=tmp_path / "files", retry_seconds=0.5)
    yield unit
    unit.close()


def _names(uow: UnitOfWork) -> list[str]:
    return uow.read(lambda s: list(s.scalars(select(Structure.name).order_by(Structure.name))))


def test_a_write_commits_and_a_read_sees_it(uow: UnitOfWork) -> None:
    uow.write(lambda s: s.add(Structure(id="s1", name="ESAT", kind="esat", networks=[])))
    assert _names(uow) == ["ESAT"]


def test_nested_calls_join_the_open_transaction_and_roll_back_together(uow: UnitOfWork) -> None:
    def both(unit: UnitOfWork) -> None:
        unit.write(lambda s: s.add(Structure(id="s1", name="A", kind="esat", networks=[])))
        assert unit.in_transaction
        unit.write(lambda s: s.add(Structure(id="s2", name="B", kind="esat", networks=[])))
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        uow.transaction(both)
    assert _names(uow) == [] and not uow.in_transaction


def test_a_busy_database_is_retried_then_the_write_goes_through(uow: UnitOfWork) -> None:
    calls = []

    def flaky(s):
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("BEGIN", {}, Exception("database is locked"))
        s.add(Structure(id="s1", name="A", kind="esat", networks=[]))

    uow.write(flaky)
    assert len(calls) == 3 and _names(uow) == ["A"]


def test_a_database_still_busy_is_refused_with_a_code(uow: UnitOfWork) -> None:
    def locked(_s):
        raise OperationalError("BEGIN", {}, Exception("database is locked"))

    with pytest.raises(StoreError) as refused:
        uow.write(locked)
    assert refused.value.code == "database_busy"


def test_a_constraint_violation_is_a_store_error_and_nothing_is_written(uow: UnitOfWork) -> None:
    uow.write(lambda s: s.add(Structure(id="s1", name="A", kind="esat", networks=[])))
    with pytest.raises(StoreError) as refused:
        uow.write(lambda s: s.add(Structure(id="s1", name="B", kind="esat", networks=[])))
    assert refused.value.code == "constraint_violated" and _names(uow) == ["A"]


def test_only_locks_and_serialisation_failures_are_retryable() -> None:
    assert is_retryable(OperationalError("x", {}, Exception("database is locked")))
    assert not is_retryable(IntegrityError("x", {}, Exception("UNIQUE constraint failed")))
    assert not is_retryable(OperationalError("x", {}, Exception("no such table: t")))


def test_reads_run_on_the_plain_engine(uow: UnitOfWork) -> None:
    assert uow.read(lambda s: s.scalar(text("select 40 + 2"))) == 42

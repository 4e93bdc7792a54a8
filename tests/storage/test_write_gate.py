"""The queue write transactions of one app process pass: bounded, first come first in, re-entrant."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, create_engine

from ivp_core.storage import write_gate
from ivp_core.storage.write_gate import WriteGate


def _enter_in_thread(gate: WriteGate, inside: threading.Event, leave: threading.Event) -> threading.Thread:
    def hold() -> None:
        assert gate.acquire(timeout=5)
        inside.set()
        leave.wait(10)
        gate.release()

    thread = threading.Thread(target=hold)
    thread.start()
    assert inside.wait(5)
    return thread


def test_a_full_gate_makes_the_next_writer_wait_and_lets_it_in_when_one_leaves() -> None:
    gate = WriteGate(2)
    leave_first, leave_second = threading.Event(), threading.Event()
    first = _enter_in_thread(gate, threading.Event(), leave_first)
    second = _enter_in_thread(gate, threading.Event(), leave_second)
    assert gate.acquire(timeout=0.2) is False  # both slots taken: refused after the wait, not stuck
    leave_first.set()
    first.join(5)
    assert gate.acquire(timeout=5) is True
    gate.release()
    leave_second.set()
    second.join(5)


def test_a_thread_already_inside_never_waits_for_itself() -> None:
    gate = WriteGate(1)
    assert gate.acquire(timeout=1)
    assert gate.acquire(timeout=0.1)  # a nested write scope in the same thread
    gate.release()
    other_got_in = threading.Event()
    waiter = threading.Thread(target=lambda: gate.acquire(timeout=5) and other_got_in.set())
    waiter.start()
    waiter.join(0.2)
    assert not other_got_in.is_set()  # still held by the outer scope
    gate.release()
    waiter.join(5)
    assert other_got_in.is_set()


def test_one_writer_for_sqlite_and_the_configured_number_for_a_database_server(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    def gate(url: str) -> int:
        engine: Engine = create_engine(url)
        return write_gate.gate_for(engine).slots

    monkeypatch.setattr(write_gate, "_gates", {})
    monkeypatch.setenv("IVP_DB_WRITERS", "5")
    assert gate(f"sqlite:///{tmp_path}/a.db") == 1
    assert gate("postgresql+psycopg://u@127.0.0.1:1/a") == 5
    for wrong in ("0", "-1", "twee", ""):
        monkeypatch.setenv("IVP_DB_WRITERS", wrong)
        assert (
            gate(f"postgresql+psycopg://u@127.0.0.1:1/{wrong or 'leeg'}") == write_gate.DEFAULT_SERVER_WRITERS
        )
    with pytest.raises(ValueError):
        WriteGate(0)

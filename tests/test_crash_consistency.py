"""A process killed (SIGKILL) in the middle of a save's transaction, not after its commit: the store stays
consistent and no half of the save is visible, on SQLite (WAL) and on PostgreSQL (issue 30, item 11)."""

import os
import signal
import subprocess
import sys
import textwrap

from sqlalchemy import func, select, text

from db.models import AuditLog
from db.needs import Need
from tests.conftest import ROOT

ROWS = 300
# The child: an import of ROWS needs through core, as the page does; the test's own hook (an SQLAlchemy
# event, nothing in the product) says "inside" once needs are written in the transaction (the first INSERT into
# need has run: on PostgreSQL it carries all the rows) and waits to be killed.
CHILD = textwrap.dedent(f"""
    import sys, time
    from sqlalchemy import event
    from core.needs.kind import NEED
    from core.org import users
    from core.records import roundtrip
    from db.engine import make_engine, session_scope

    engine = make_engine(sys.argv[1])
    pause = sys.argv[2] == "pause"
    inserts = 0

    @event.listens_for(engine, "after_cursor_execute")
    def inside(conn, cursor, statement, *args):
        global inserts
        if statement.lstrip().upper().startswith("INSERT INTO NEED"):
            inserts += 1
            if pause and inserts == 1:
                print("inside", flush=True)
                time.sleep(120)

    rows = ["Kode unit,Tahun anggaran,Uraian kebutuhan,Kategori,Volume,Satuan,Harga satuan"]
    rows += [f"KEC-KLOJEN,2027,Laptop {{n:03d}},Perangkat keras,1,Unit,15000000" for n in range({ROWS})]
    table = roundtrip.read_upload("\\n".join(rows).encode(), "kebutuhan.csv", NEED)
    with session_scope(engine) as s:
        viewer = users.load_viewer(session=s, username="admin")
        roundtrip.import_upload(session=s, viewer=viewer, kind=NEED, table=table)
    print("committed", flush=True)
""")


def counts(store) -> tuple[int, int]:
    with store.engine.connect() as conn:
        return (conn.scalar(select(func.count()).select_from(Need)),
                conn.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.table_name == "need")))


def run_child(url: str, pause: bool) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, url, "pause" if pause else "run"], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_a_save_killed_inside_its_transaction_leaves_nothing_of_itself_and_a_sound_store(store, city, admin):
    before = counts(store)
    child = run_child(store.url, pause=True)
    try:
        assert child.stdout.readline().strip() == "inside"  # needs written, not committed
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
    store.engine.dispose()  # nothing of the dead process's connection is reused
    if store.backend == "sqlite":
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
    assert counts(store) == before  # no need and no audit entry of the half-done save

    again = run_child(store.url, pause=False)  # the same save, left alone, is whole
    assert again.stdout.readline().strip() == "committed" and again.wait(60) == 0
    needs, audited = counts(store)
    assert (needs, audited) == (before[0] + ROWS, before[1] + ROWS)

"""Memory while importing: the largest upload the default limits allow (100,000 rows, just under 20 MB)
read, previewed and committed, each in a fresh process so its peak RSS is the import's alone. The
reference, in the same run: the same process with the app loaded and the store open, before reading
anything, and a 1,000-row import. Goal: the largest import stays under 500 MB.

Then the server under a 200 MB POST to each route it serves, with a Content-Length and chunked without one
(`streamlit run server.py` on the demo city): its RSS while each is sent beside its idle RSS in the same
run. Goal: no route grows it by 50 MB.
"""

import io
import json
import os
import random
import shutil
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT_MB = 500


def workbook(codes: list[str], rows: int, filler: int) -> bytes:
    """Devices as people fill them in, with `filler` random characters of notes per row to give weight."""
    from openpyxl import Workbook

    rng = random.Random(100)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Perangkat")
    sheet.append(["Kode unit", "Kategori", "Merek/tipe", "Nomor seri", "Kode barang", "Lokasi", "Tahun perolehan",
                  "Nilai perolehan", "Sumber dana", "Kondisi", "Status", "Alamat IP"])
    letters = string.ascii_letters + "     "
    for n in range(rows):
        sheet.append([codes[n % len(codes)], rng.choice(["PC", "Laptop", "Printer", "UPS"]),
                      "".join(rng.choices(letters, k=filler)).strip() or "Merek", f"MEM{n:07d}",
                      f"1.3.2.10.{n % 9 + 1:02d}.{n:06d}", "".join(rng.choices(letters, k=filler)).strip() or "Ruang",
                      rng.randint(2012, 2026), rng.randrange(1_000_000, 40_000_000, 10_000), "APBD", "Baik", "Dipakai",
                      f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rss_mb(field: str = "VmRSS") -> float:
    """Resident memory now (VmRSS) or at its peak (VmHWM), of this process since it started; ru_maxrss
    would start from the parent's size at fork."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(store_file: str, upload: str) -> dict:
    """In a fresh process: open the prepared store, then read, preview and commit `upload`."""
    from sqlalchemy import func, select

    from core.access import SYSTEM
    from core.inventory.kinds import DEVICE
    from core.records import roundtrip
    from db.engine import make_engine, session_scope
    from db.inventory import Device

    engine = make_engine(f"sqlite:///{store_file}")
    with session_scope(engine) as s:
        before = s.scalar(select(func.count()).select_from(Device))
    loaded_mb = _rss_mb()
    if not upload:
        return {"peak_mb": _rss_mb("VmHWM"), "loaded_mb": loaded_mb}
    started = time.perf_counter()
    table = roundtrip.read_upload(Path(upload).read_bytes(), "perangkat.xlsx", DEVICE)
    with session_scope(engine) as s:
        preview = roundtrip.import_upload(session=s, viewer=SYSTEM, kind=DEVICE, table=table, dry_run=True)
    with session_scope(engine) as s:
        done = roundtrip.import_upload(session=s, viewer=SYSTEM, kind=DEVICE, table=table)
    with session_scope(engine) as s:
        stored = s.scalar(select(func.count()).select_from(Device)) - before
    return {"peak_mb": _rss_mb("VmHWM"), "loaded_mb": loaded_mb,
            "seconds": time.perf_counter() - started, "rows": len(table.rows), "created": done["created"],
            "previewed": preview["created"], "stored": stored}


def main() -> None:
    from sqlalchemy import select

    from bench.pages import demo_store
    from core.records.sheets import DEFAULT_LIMITS
    from db.engine import session_scope
    from db.models import Unit

    folder = Path(tempfile.mkdtemp(prefix="monev-bench-memory-"))
    _env, engine = demo_store(folder)
    with session_scope(engine) as s:
        codes = list(s.scalars(select(Unit.code).where(Unit.active.is_(True)).order_by(Unit.code)))
    engine.dispose()
    rows = DEFAULT_LIMITS.max_rows
    largest = workbook(codes, rows, 70)
    small = workbook(codes, 1_000, 70)
    assert len(largest) <= DEFAULT_LIMITS.max_bytes, f"{len(largest) / 2**20:.1f} MB is over the upload limit"
    (folder / "largest.xlsx").write_bytes(largest)
    (folder / "small.xlsx").write_bytes(small)
    results = {}
    for label, upload in (("app loaded, store open, nothing read", ""), ("1,000-row import", "small.xlsx"),
                          (f"{rows:,}-row import, {len(largest) / 2**20:.1f} MB", "largest.xlsx")):
        store = folder / f"copy-{len(results)}.db"
        shutil.copy(folder / "monev.db", store)
        run = subprocess.run([sys.executable, "-m", "bench.memory", "child", str(store),
                              str(folder / upload) if upload else ""], cwd=ROOT, capture_output=True, text=True,
                             timeout=900, env={**os.environ, "PYTHONPATH": str(ROOT)})
        if run.returncode:
            print(f"memory, {label}: failed\n{run.stderr[-2000:]}")
            return
        results[label] = r = json.loads(run.stdout.strip().splitlines()[-1])
        if upload:
            assert r["rows"] == r["previewed"] == r["created"] == r["stored"], r
    for label, r in results.items():
        took = f", read + preview + commit {r['seconds']:.1f} s" if "seconds" in r else ""
        goal = f" (goal < {LIMIT_MB} MB)" if label.startswith(f"{rows:,}") else ""
        print(f"memory, {label}: peak RSS {r['peak_mb']:.0f} MB{goal} (after loading {r['loaded_mb']:.0f} MB){took}")
    post_bodies(folder, _env)
    shutil.rmtree(folder, ignore_errors=True)


def post_bodies(folder: Path, env: dict[str, str]) -> None:
    import threading

    from tests.browser import running_app
    from tests.test_hardening_server import ROUTES, rss_mb, send

    with running_app(env, folder) as base:
        send(base, "/publik", True)  # warms the routes' imports
        idle = rss_mb(base.pid)
        print(f"memory, server idle (demo city): RSS {idle:.0f} MB")
        for path in ROUTES:
            for declared in (True, False):
                peak, done = [rss_mb(base.pid)], threading.Event()

                def sample(peak=peak, done=done):
                    while not done.wait(0.05):
                        peak.append(rss_mb(base.pid))
                sampler = threading.Thread(target=sample)
                sampler.start()
                started = time.perf_counter()
                status = send(base, path, declared)
                done.set()
                sampler.join()
                how = "Content-Length" if declared else "chunked"
                print(f"memory, 200 MB POST {path} ({how}): answered {status or 'cut off'} in "
                      f"{time.perf_counter() - started:.2f} s, RSS peak {max(peak):.0f} MB "
                      f"(+{max(peak) - idle:.0f} MB over idle {idle:.0f} MB; goal < +50)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        print(json.dumps(child(sys.argv[2], sys.argv[3])), flush=True)
        sys.exit(0)
    main()

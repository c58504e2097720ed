"""The barrier board under load (`benchmarks/run.py web`).

A fresh, migrated SQLite file with one jurisdiction, its procurement officer (with a password, made
through the services) and 500 barriers (bulk inserts: the benchmark measures the page, not the
inserts) is served by ``accelerator web`` in a process of its own on a free loopback port. Each of
20 clients (a thread with its own ``httpx.Client``, so its own session cookie) signs in once, one
after another (timed: the form's POST, the password hash included); then all 20 at once fetch the
board's first page 25 times each (500 requests), and again ``/barriers?sort=severity&page=3``;
before each load run, one client alone fetches the page 25 times (the latency without a queue).
Goals: sign-in under 0.5 s; each board page with median under 100 ms and p95 under 250 ms.
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ACCELERATOR = str(Path(sys.executable).with_name("accelerator"))

BARRIERS = 500
CLIENTS = 20
REQUESTS = 25  # per client and page: 500 requests
PLACE = "Alder County"
ADMIN = "bench@example.org"
OFFICER = "officer@alder.example.org"
PASSWORD = "a long enough bench password"
# Each page, and what it must say to count as the board (not a sign-in redirect or an error).
PAGES = {
    "board": ("/barriers", f"{BARRIERS} barriers; page 1 of"),
    "severity_page_3": ("/barriers?sort=severity&page=3", f"{BARRIERS} barriers; page 3 of"),
}


def build() -> None:
    """Run in a process whose settings name the bench database: migrate it, add the jurisdiction and
    its officer through the services, then the barriers in one bulk insert."""
    from sqlalchemy import insert

    from assessment.barriers.models import Barrier, BarrierStatus
    from assessment.barriers.reference import categories, controllers, stages
    from assessment.cohorts.jurisdictions import add_jurisdiction, get_jurisdiction
    from assessment.cohorts.passwords import set_password
    from assessment.cohorts.people import add_person, ensure_admin, resolve_actor
    from assessment.core.db import get_engine, transaction, upgrade
    from assessment.core.fields import utcnow

    upgrade()
    with transaction() as session:
        ensure_admin(session, ADMIN, "Bench Admin")
        admin = resolve_actor(session, ADMIN)
        add_jurisdiction(session, admin, PLACE, "county")
        add_person(session, admin, OFFICER, "Pat Officer", "procurement_officer", PLACE)
        set_password(session, admin, OFFICER, PASSWORD)
        place = get_jurisdiction(session, PLACE).id
    kinds, steps, who = [c.id for c in categories()], [s.id for s in stages()], [c.id for c in controllers()]
    statuses = list(BarrierStatus)
    at = utcnow()
    rows: list[dict[str, Any]] = [
        {
            "jurisdiction_id": place,
            "title": f"Barrier {n}: insurance limits out of proportion to the work for small community groups",
            "description": "Every contract asks for $2M general liability, whatever the work. " * 3,
            "category": kinds[n % len(kinds)],
            "stage": steps[n % len(steps)],
            "controller": who[n % len(who)],
            "severity": None if n % 7 == 0 else n % 5 + 1,
            "burden_on": "Small CBOs running community workshops",
            "root_cause": "Risk management applies the construction schedule to every contract.",
            "indicators": [],
            "status": statuses[n % len(statuses)].value,
            "version": 1,
            "created_at": at,
            "created_by": OFFICER,
            "updated_at": at,
            "updated_by": OFFICER,
        }
        for n in range(1, BARRIERS + 1)
    ]
    with get_engine().begin() as connection:
        connection.execute(insert(Barrier), rows)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def served(env: dict[str, str], folder: Path) -> Iterator[str]:
    """``accelerator web`` in a process of its own, answering on a free loopback port; stopped at the
    end, also on error."""
    port = free_port()
    log = folder / "web-server.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [ACCELERATOR, "web", "--port", str(port)], env=env, cwd=folder, stdout=output, stderr=subprocess.STDOUT
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"`accelerator web` did not start:\n{log.read_text()[-4000:]}")
                try:
                    if httpx.get(f"{url}/sign-in", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def signed_in_client(url: str) -> tuple[httpx.Client, float]:
    """A client with its own session, signed in through the form; seconds the form's POST took."""
    client = httpx.Client(base_url=url, follow_redirects=False, timeout=30)
    form = client.get("/sign-in")
    found = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    if found is None:
        raise RuntimeError(f"the sign-in page has no form token:\n{form.text[:2000]}")
    fields = {"csrf_token": found.group(1), "email": OFFICER, "password": PASSWORD, "next": "/"}
    start = time.perf_counter()
    answer = client.post("/sign-in", data=fields)
    seconds = time.perf_counter() - start
    if answer.status_code != 303:
        raise RuntimeError(f"signing in answered {answer.status_code}:\n{answer.text[:2000]}")
    return client, seconds


def load(clients: list[httpx.Client], path: str, expected: str) -> tuple[list[float], float]:
    """Every client fetching ``path`` ``REQUESTS`` times, all at once: each request's seconds, and the
    wall time of the whole run. Any answer that is not the page fails the run."""
    times: list[list[float]] = [[] for _ in clients]
    wrong: list[str] = []
    start_line = threading.Barrier(len(clients) + 1)

    def fetch(client: httpx.Client, kept: list[float]) -> None:
        start_line.wait()
        for _ in range(REQUESTS):
            start = time.perf_counter()
            answer = client.get(path)
            kept.append(time.perf_counter() - start)
            if answer.status_code != 200 or expected not in answer.text:
                wrong.append(f"{answer.status_code}: {answer.text[:300]}")

    threads = [threading.Thread(target=fetch, args=(c, kept)) for c, kept in zip(clients, times, strict=True)]
    for thread in threads:
        thread.start()
    start_line.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    if wrong:
        raise RuntimeError(f"{len(wrong)} of {len(clients) * REQUESTS} answers were not {path}; first: {wrong[0]}")
    return [t for kept in times for t in kept], wall


def web(folder: Path) -> dict[str, float]:
    """The figures: sign-in seconds (median, slowest), and per page median, p95 and requests per second."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(
        ACCELERATOR_DATABASE_URL=f"sqlite:///{folder / 'web.db'}",
        ACCELERATOR_CONFIG_DIR=str(folder / "web-config"),
        ACCELERATOR_DATA_DIR=str(folder / "web-data"),
    )
    env.pop("ACCELERATOR_WEB_SECRET", None)
    start = time.perf_counter()
    code = "from benchmarks.web import build; build()"
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"building the web bench database failed:\n{done.stderr[-4000:]}")
    figures = {"barriers": float(BARRIERS), "build_s": time.perf_counter() - start}
    with served(env, folder) as url:
        signed = [signed_in_client(url) for _ in range(CLIENTS)]
        clients = [client for client, _ in signed]
        try:
            sign_ins = [seconds for _, seconds in signed]
            figures["sign_in_median_s"] = statistics.median(sign_ins)
            figures["sign_in_max_s"] = max(sign_ins)
            for name, (path, expected) in PAGES.items():
                for client in clients[:2]:  # warm the server's imports and template cache
                    client.get(path)
                alone, _ = load(clients[:1], path, expected)
                figures[f"{name}_alone_median_s"] = statistics.median(alone)
                times, wall = load(clients, path, expected)
                figures[f"{name}_median_s"] = statistics.median(times)
                figures[f"{name}_p95_s"] = statistics.quantiles(times, n=100, method="inclusive")[94]
                figures[f"{name}_max_s"] = max(times)
                figures[f"{name}_requests_per_s"] = len(times) / wall
        finally:
            for client in clients:
                client.close()
    return figures

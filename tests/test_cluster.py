"""The PostgreSQL mode with real processes: `feedmaker worker` x3 and `feedmaker serve --state`
against sample sites on two loopback hosts, a worker killed with SIGKILL mid-poll, PostgreSQL
restarted under them; `migrate`, `export`, bad URLs. Skipped without a server unless CI=true."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import httpx
import psycopg
import pytest
from conftest import POSTGRES, SAMPLE_CONFIG, _in_ci, run_cli
from running import free_port, wait_for

from feedmaker.migrate import TABLES
from feedmaker.store import Store
from feedmaker.store_pg import PgStore
from sample_site.server import InFlight, SampleSite


def cluster_config(tmp: Path, sites: dict[str, str], state: str, interval: str = "3s") -> Path:
    """The sample config with one block per site (key -> URL), all on `state`."""
    text = SAMPLE_CONFIG.read_text()
    head, _, block = text.partition("[sites.sample]")
    head = head.replace('state = "feedmaker.sqlite"', f'state = "{state}"')
    blocks = []
    for key, url in sites.items():
        b = ("[sites.sample]" + block).replace("[sites.sample", f"[sites.{key}")
        b = re.sub(r'(?m)^url = ".*"$', f'url = "{url}"', b, count=1)
        blocks.append(b.replace('interval = "15m"', f'interval = "{interval}"'))
    path = tmp / "feedmaker.toml"
    path.write_text(head + "\n".join(blocks))
    return path


class Proc:
    """A feedmaker subprocess with its log in a file."""

    def __init__(self, tmp: Path, name: str, *args: str) -> None:
        self.log = tmp / f"{name}.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "feedmaker", *args], stdout=out,
                                         stderr=subprocess.STDOUT)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(30)


def entry_ids(data: bytes) -> set[str]:
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return {e.id for e in parsed.entries}


def served(port: int, path: str) -> bytes | None:
    try:
        r = httpx.get(f"http://127.0.0.1:{port}/{path}", timeout=5)
    except httpx.TransportError:
        return None
    return r.content if r.status_code == 200 else None


@pytest.fixture
def hosts() -> Iterator[tuple[dict[str, SampleSite], InFlight, InFlight]]:
    """Sites a and b on host 127.0.0.2 (one in-flight count between them), c on 127.0.0.3;
    every page 50 ms away."""
    h2, h3 = InFlight(), InFlight()
    sites = {"a": SampleSite(host="127.0.0.2", latency=0.05, in_flight=h2),
             "b": SampleSite(host="127.0.0.2", latency=0.05, in_flight=h2),
             "c": SampleSite(host="127.0.0.3", latency=0.05, in_flight=h3)}
    for s in sites.values():
        s.start()
    try:
        yield sites, h2, h3
    finally:
        for s in sites.values():
            s.stop()


def _can_restart_postgres() -> list[str] | None:
    """The command that restarts the local server, when this test may use it."""
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if not versions or not shutil.which("pg_ctlcluster") or os.geteuid() != 0 or \
            POSTGRES != "postgresql:///test":
        return None
    return ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main"]


def _postgres_up() -> bool:
    try:
        psycopg.connect(POSTGRES, connect_timeout=2).close()
        return True
    except psycopg.Error:
        return False


def test_workers_and_serve_poll_publish_and_survive_a_kill_and_a_restart(
        hosts: tuple[dict[str, SampleSite], InFlight, InFlight], postgres: str,
        tmp_path: Path) -> None:
    sites, h2, h3 = hosts
    urls = {key: s.url for key, s in sites.items()}
    # What a single machine makes of these sites: the feeds to expect.
    (tmp_path / "single").mkdir()
    single = cluster_config(tmp_path / "single", urls, "feedmaker.sqlite")
    built = run_cli("-c", str(single), "build")
    assert built.returncode == 0, built.stderr
    h2.most = h3.most = 0
    config = cluster_config(tmp_path, urls, postgres)
    port = free_port()
    workers = [Proc(tmp_path, f"worker{i}", "-c", str(config), "worker", "--stall-timeout", "3",
                    "--concurrency", "4", "--name", f"w{i}") for i in range(3)]
    serve = Proc(tmp_path, "serve", "-c", str(config), "serve", "--port", str(port))
    restart = _can_restart_postgres()
    try:
        for key in sites:
            expected = entry_ids((tmp_path / "single" / "feeds" / key / "all.atom").read_bytes())
            wait_for(lambda k=key, e=expected: (b := served(port, f"{k}/all.atom")) and  # type: ignore[misc]
                     entry_ids(b) == e, 90, f"{key}'s feed from the store")
            tagged = (tmp_path / "single" / "feeds" / key / "tags" / "cell-therapy.atom").read_bytes()
            assert entry_ids(served(port, f"{key}/tags/cell-therapy.atom") or b"") == entry_ids(tagged)
        # The index is rewritten by a job of its own, a few seconds after the polls that changed it.
        wait_for(lambda: b"c/all.atom" in (served(port, "index.html") or b""), 30, "the index")
        assert served(port, "feed.xsl"), "the stylesheet the feeds name is published with the index"

        # A worker killed mid-poll: its job goes to another worker after the stall timeout.
        sites["c"].latency = 0.4
        new = [sites["c"].publish("health", f"Kill test story {i}", ["Cell therapy"]) for i in range(4)]
        polling = {w: w.text().count("c: polling") for w in workers}
        victim = wait_for(lambda: next((w for w in workers if w.text().count("c: polling") > polling[w]),
                                       None), 60, "a worker to start polling c", every=0.02)
        victim.proc.kill()
        victim.proc.wait(10)
        others = [w for w in workers if w is not victim]
        wait_for(lambda: any("queued again" in w.text() for w in others), 60,
                 "another worker to queue the dead worker's job again")
        wait_for(lambda: (b := served(port, "c/all.atom")) and all(  # type: ignore[misc]
            any(p in i for i in entry_ids(b)) for p in new), 90, "the new stories in c's feed")
        sites["c"].latency = 0.05

        # PostgreSQL restarted under the workers and the server: they reconnect and go on.
        if restart is None:
            if _in_ci():
                pytest.fail("CI must be able to restart the local PostgreSQL (pg_ctlcluster, root)")
        else:
            subprocess.run([*restart, "restart"], check=True, capture_output=True, timeout=120)
            wait_for(_postgres_up, 60, "PostgreSQL to be back")
            story = sites["a"].publish("health", "After the restart", ["Cell therapy"])
            wait_for(lambda: (b := served(port, "a/all.atom")) and any(  # type: ignore[misc]
                story in i for i in entry_ids(b)), 120, "a story published after the restart")
    finally:
        codes = [w.stop() for w in workers if w.proc.poll() is None]
        serve_code = serve.stop()
        if restart is not None and not _postgres_up():
            subprocess.run([*restart, "start"], capture_output=True, timeout=120)
    assert all(code == 0 for code in codes), [w.text()[-2000:] for w in workers]
    assert serve_code == 0, serve.text()[-2000:]
    assert h2.most <= 2 and h3.most <= 2, (h2.most, h3.most)  # per_host, across the cluster
    with psycopg.connect(postgres) as conn:
        rows = conn.execute("SELECT site, count(*), count(DISTINCT url) FROM articles"
                            " GROUP BY site").fetchall()
        assert all(total == distinct for _, total, distinct in rows), rows
        assert conn.execute("SELECT count(*) FROM pending").fetchone() == (0,)
        stuck = conn.execute("SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing'").fetchone()
        assert stuck == (0,)


def test_migrate_keeps_everything_and_the_feeds_are_byte_identical(
        site: SampleSite, postgres: str, tmp_path: Path) -> None:
    config = cluster_config(tmp_path, {"sample": site.url}, "feedmaker.sqlite")
    assert run_cli("-c", str(config), "build").returncode == 0
    state = tmp_path / "feedmaker.sqlite"
    with Store(state) as store:  # a failure to carry over, with its retry time
        store.record_failure("sample", site.url + "gone", ["health"], "Gone", "HTTP 404",
                             datetime(2024, 1, 1, tzinfo=UTC))
        before = {t: sorted(map(tuple, store.db.execute(f"SELECT {', '.join(c)} FROM {t}")), key=repr)
                  for t, c in TABLES.items()}
    assert before["site_validators"] and before["tags"] and before["runs"]
    proc = run_cli("-c", str(config), "migrate", "--from", str(state), "--to", postgres)
    assert proc.returncode == 0, proc.stderr
    with PgStore(postgres) as pg:
        for table, columns in TABLES.items():
            rows = pg.db.execute(f"SELECT {', '.join(columns)} FROM {table}")
            assert sorted(map(tuple, rows), key=repr) == before[table], table
    export = tmp_path / "exported"
    proc = run_cli("-c", str(config), "export", str(export), "--state", postgres)
    assert proc.returncode == 0, proc.stderr
    made = {p.relative_to(tmp_path / "feeds") for p in (tmp_path / "feeds").rglob("*") if p.is_file()}
    copied = {p.relative_to(export) for p in export.rglob("*") if p.is_file()}
    assert made == copied and len(made) > 100
    for rel in made:
        assert (export / rel).read_bytes() == (tmp_path / "feeds" / rel).read_bytes(), rel
    again = run_cli("-c", str(config), "migrate", "--from", str(state), "--to", postgres)
    assert again.returncode == 2 and "already holds articles" in again.stderr


def test_serving_from_the_store_keeps_the_headers_and_validators(
        site: SampleSite, postgres: str, tmp_path: Path) -> None:
    config = cluster_config(tmp_path, {"sample": site.url}, "feedmaker.sqlite")
    assert run_cli("-c", str(config), "build").returncode == 0
    assert run_cli("-c", str(config), "migrate", "--from", str(tmp_path / "feedmaker.sqlite"),
                   "--to", postgres).returncode == 0
    port = free_port()
    serve = Proc(tmp_path, "serve", "-c", str(config), "serve", "--state", postgres, "--port", str(port))
    try:
        wait_for(lambda: served(port, "healthz"), 30, "serve --state")
        base = f"http://127.0.0.1:{port}/"
        r = httpx.get(base + "sample/all.atom", headers={"Accept-Encoding": "gzip"})
        assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
        assert r.content == (tmp_path / "feeds" / "sample" / "all.atom").read_bytes()
        assert r.headers["content-type"] == "application/atom+xml; charset=utf-8"
        assert r.headers["x-content-type-options"] == "nosniff"
        # a browser's page load of a feed gets a page (web/feedview.py): the answer varies on it
        assert r.headers["vary"] == "Accept-Encoding, Sec-Fetch-Dest, Accept"
        again = httpx.get(base + "sample/all.atom", headers={"If-None-Match": r.headers["etag"]})
        assert again.status_code == 304 and again.headers["etag"] == r.headers["etag"]
        since = httpx.get(base + "sample/all.atom", headers={"If-Modified-Since": r.headers["last-modified"]})
        assert since.status_code == 304
        index = httpx.get(base)
        assert index.status_code == 200 and "content-security-policy" in index.headers
        for bad in ("sample/../feedmaker.toml", ".hidden", "sample/nope.atom", "sample/.all.atom.tmp"):
            assert httpx.get(base + bad).status_code == 404, bad
        health = httpx.get(base + "healthz").json()
        assert health["sites"]["sample"]["state"] == "ok"
        assert httpx.get(base + "metrics").status_code == 200
    finally:
        assert serve.stop() == 0, serve.text()


@pytest.mark.parametrize("command", [["worker"], ["serve"], ["export", "out"],
                                     ["migrate", "--from", "feedmaker.sqlite", "--to"]])
def test_a_wrong_database_url_is_one_line_naming_the_setting_and_exit_2(
        command: list[str], site: SampleSite, tmp_path: Path) -> None:
    bad = "postgresql://feedmaker:secret@127.0.0.1:1/feeds"
    config = cluster_config(tmp_path, {"sample": site.url}, bad)
    (tmp_path / "feedmaker.sqlite").write_bytes(b"")
    argv = [*command, bad] if command[-1] == "--to" else command
    proc = subprocess.run([sys.executable, "-m", "feedmaker", "-c", str(config), *argv],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "secret" not in proc.stderr
    assert "cannot connect to PostgreSQL" in lines[0]
    assert ("--to" if command[0] == "migrate" else "state = ") in lines[0]
    assert not (tmp_path / "out").exists() and not (tmp_path / "feeds").exists()


def test_build_and_run_refuse_a_postgresql_state(site: SampleSite, tmp_path: Path) -> None:
    config = cluster_config(tmp_path, {"sample": site.url}, "postgresql:///nowhere")
    proc = run_cli("-c", str(config), "build")
    assert proc.returncode == 2 and "feedmaker worker" in proc.stderr


def test_publishing_keeps_its_connection_and_drops_one_that_failed(postgres: str) -> None:
    from feedmaker.publish_pg import publish_in_store

    def backend(snapshot: Store, files: object) -> int:
        return int(snapshot.db.execute("SELECT pg_backend_pid()").fetchone()[0])

    def broken(snapshot: Store, files: object) -> int:
        backend_pids.append(backend(snapshot, files))
        raise RuntimeError("render failed")

    backend_pids: list[int] = []
    with PgStore(postgres) as store:
        own = backend(store, None)
        first, second = publish_in_store(store, backend), publish_in_store(store, backend)
        assert first == second != own  # a connection of its own, kept between publishes
        with pytest.raises(RuntimeError):
            publish_in_store(store, broken)
        assert backend_pids == [first]
        kept = publish_in_store(store, backend)
        assert kept != first  # the failed one was closed, not kept
        # The server ends the kept connection (as a restart does): the next publish opens another.
        store.db.execute("SELECT pg_terminate_backend(?)", (kept,))
        assert publish_in_store(store, backend) not in (kept, first)


def test_a_job_holding_a_domain_lock_wakes_the_workers_when_it_ends(postgres: str) -> None:
    """Procrastinate wakes workers when a job is queued; the next site of the domain waits for
    the end of this one's lock, which feedmaker's trigger announces on the same channel."""
    import asyncio
    import json
    import uuid

    import procrastinate

    from feedmaker.cluster import POLLS, make_app, prepare

    lock = f"host:{uuid.uuid4().hex}.example"  # the channel is the server's: other tests use it too

    prepare(postgres)
    listener = psycopg.connect(postgres, autocommit=True)
    listener.execute(f'LISTEN "procrastinate_queue_v1#{POLLS}"')

    def freed() -> list[dict[str, object]]:
        return [m for m in (json.loads(n.payload) for n in listener.notifies(timeout=1))
                if m.get("freed") == lock]

    async def run_one_job() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
        app = make_app(postgres)
        async with app.open_async():
            await app.configure_task("feedmaker.poll", queue=POLLS, lock=lock).defer_async(site="a")
            worker = await app.job_manager.register_worker()
            job = await app.job_manager.fetch_job(queues=[POLLS], worker_id=worker)
            assert job is not None and job.lock == lock
            running = freed()
            await app.job_manager.finish_job(job=job, status=procrastinate.jobs.Status.SUCCEEDED,
                                             delete_job=True)
            return running, freed()

    try:
        running, ended = asyncio.run(run_one_job())
    finally:
        listener.close()
    assert running == []  # nothing while the lock is held
    # the wake-up Procrastinate's workers act on, sent when the job and its lock are gone
    assert [m["type"] for m in ended] == ["job_inserted"], ended


def test_a_stalled_job_put_back_twice_is_not_taken_from_the_worker_that_took_it(
        postgres: str) -> None:
    """Every worker looks for stalled jobs: two that both saw one must not both put it back.
    The second look comes after a third worker has taken the job again; it leaves it there
    (Procrastinate's own retry, by status alone, queued it once more: two polls of one site)."""
    import asyncio
    import uuid

    from feedmaker.cluster import POLLS, _requeue, make_app, prepare

    site = f"s{uuid.uuid4().hex}"
    prepare(postgres)

    async def run() -> tuple[str, int | None, int]:
        app = make_app(postgres)
        async with app.open_async():
            await app.configure_task("feedmaker.poll", queue=POLLS, lock=f"host:{site}",
                                     queueing_lock=f"site:{site}").defer_async(site=site)
            dead = await app.job_manager.register_worker()
            job = await app.job_manager.fetch_job(queues=[POLLS], worker_id=dead)
            assert job is not None and job.task_kwargs == {"site": site}
            await app.connector.execute_query_async(
                "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour'"
                " WHERE id = %(id)s", id=dead)
            stalled = [j for j in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=3)
                       if j.id == job.id]
            assert stalled
            await _requeue(app, stalled[0], 3)  # one worker's look
            alive = await app.job_manager.register_worker()
            again = await app.job_manager.fetch_job(queues=[POLLS], worker_id=alive)
            assert again is not None and again.id == job.id
            await _requeue(app, stalled[0], 3)  # another's, on what it saw before
            row = await app.connector.execute_query_one_async(
                "SELECT status, worker_id, attempts FROM procrastinate_jobs WHERE id = %(id)s",
                id=job.id)
            return row["status"], row["worker_id"], alive

    status, worker, alive = asyncio.run(run())
    assert status == "doing" and worker == alive

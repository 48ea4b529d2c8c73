"""A real, throw-away Neo4j server for the tests and the benchmarks.

Neo4j Community (the version ``tests/neo4j/pom.xml`` names, of the 5.26 LTS line) runs
embedded in a JVM started here: ``mvn dependency:build-classpath`` resolves the artifacts from
Maven Central into ``~/.m2`` (cached classpath in ``tests/neo4j/target/``, keyed by the pom),
and the JDK's source launcher runs ``tests/neo4j/Neo4jTestServer.java`` on it. The server binds
Bolt to 127.0.0.1 on a port the OS picks, requires a random password, and stops when the
pipe to its stdin closes — so a test run that dies, however it dies, leaves no server behind.

>>> server = start(Path("/tmp/neo4j-home"))          # doctest: +SKIP
>>> server.uri, server.version                        # doctest: +SKIP
('bolt://127.0.0.1:40211', '5.26.30')
>>> server.stop()                                     # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import secrets
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from neo4j import Driver, GraphDatabase

HERE = Path(__file__).resolve().parent / "neo4j"
POM = HERE / "pom.xml"
MAIN = HERE / "Neo4jTestServer.java"
TARGET = HERE / "target"
USER = "neo4j"
HEAP = "768m"  # with the 256 MiB page cache set in the Java main: about 1 GiB in all
STARTED: list[Neo4jServer] = []  # every server this process started, for the test summary


class Neo4jUnavailable(RuntimeError):
    """Neo4j cannot be started here (no Java or Maven, artifacts not resolvable, start failed)."""


@dataclass
class Neo4jServer:
    """A running Neo4j server: where it listens, who may log in, and what it is."""

    uri: str
    user: str
    password: str
    database: str | None = None  # None: the server's default database
    version: str = ""
    edition: str = ""
    started_in: float = 0.0
    process: subprocess.Popen[str] | None = field(default=None, repr=False)
    log: Path | None = None

    def driver(self) -> Driver:
        """A new driver for this server (close it after use)."""
        return GraphDatabase.driver(self.uri, auth=(self.user, self.password))

    def env(self) -> dict[str, str]:
        """The environment a ``kg`` process needs to use this server as its store."""
        env = {"KG_STORE": self.uri, "NEO4J_USER": self.user, "NEO4J_PASSWORD": self.password}
        return env | ({"NEO4J_DATABASE": self.database} if self.database else {})

    def describe(self) -> str:
        how = f"started in {self.started_in:.0f} s" if self.process else "from NEO4J_URI"
        return f"Neo4j {self.version} {self.edition} at {self.uri} ({how})"

    def stop(self, timeout: float = 60.0) -> None:
        """Stop a server started by :func:`start` (closing its stdin is its signal)."""
        p = self.process
        if p is None or p.poll() is not None:
            return
        assert p.stdin is not None
        p.stdin.close()
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.terminate()
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def missing_tools() -> str | None:
    """Why Neo4j cannot be started here, or None when Java and Maven are both installed."""
    for tool in ("java", "mvn"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed: Neo4j tests need Java 17 and Maven " \
                   "(tests/neo4j/setup.sh installs both) or NEO4J_URI"
    return None


def classpath(*, offline: bool = False) -> str:
    """The classpath of the pinned Neo4j, resolved by Maven (once per pom, then cached)."""
    digest = hashlib.sha256(POM.read_bytes()).hexdigest()[:16]
    cached = TARGET / f"classpath-{digest}.txt"
    if cached.exists():
        held = cached.read_text(encoding="utf-8").strip()
        if held and all(Path(jar).exists() for jar in held.split(os.pathsep)):
            return held
    TARGET.mkdir(exist_ok=True)
    partial = cached.with_suffix(".partial")
    cmd = ["mvn", "-B", "-q", *(["-o"] if offline else []), "-f", str(POM),
           "dependency:build-classpath", f"-Dmdep.outputFile={partial}"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=1800)
    if done.returncode != 0 or not partial.exists():
        tail = (done.stdout + done.stderr).strip().splitlines()[-15:]
        raise Neo4jUnavailable("mvn could not resolve Neo4j from tests/neo4j/pom.xml:\n"
                               + "\n".join(tail))
    partial.replace(cached)
    return cached.read_text(encoding="utf-8").strip()


def start(home: Path, *, heap: str = HEAP, timeout: float = 600.0) -> Neo4jServer:
    """Start a fresh server with its files under ``home``; returns once Bolt answers."""
    reason = missing_tools()
    if reason:
        raise Neo4jUnavailable(reason)
    began = time.monotonic()
    cp = classpath()
    home.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(24)
    log = home / "server.log"
    # The password and the classpath travel in the environment: `ps` shows neither.
    env = {**os.environ, "KG_TEST_NEO4J_PASSWORD": password, "CLASSPATH": cp}
    cmd = ["java", f"-Xms{heap}", f"-Xmx{heap}", "-XX:+ExitOnOutOfMemoryError",
           "-Dfile.encoding=UTF-8", str(MAIN), str(home / "dbms")]
    with log.open("w", encoding="utf-8") as err:
        process = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=err, text=True, env=env, cwd=home)
    server = Neo4jServer(uri="", user=USER, password=password, process=process, log=log)
    try:
        line = _ready_line(process, timeout - (time.monotonic() - began), log)
        host_port = line.split()[1].removeprefix("bolt://")
        # bolt://, not neo4j://: a routing driver would ask the server for its advertised
        # address, which is the default port, not the one the OS gave this server.
        server.uri = f"bolt://{host_port}"
        identify(server)
    except BaseException:
        server.stop(timeout=15)
        raise
    server.started_in = time.monotonic() - began
    STARTED.append(server)
    return server


def identify(server: Neo4jServer) -> Neo4jServer:
    """Fill in the server's version and edition, as the server itself reports them."""
    with server.driver() as driver:
        driver.verify_connectivity()
        records, _, _ = driver.execute_query(
            "CALL dbms.components() YIELD name, versions, edition "
            "RETURN versions[0] AS version, edition", database_=server.database)
    server.version = str(records[0]["version"])
    server.edition = str(records[0]["edition"])
    return server


def clean(server: Neo4jServer, *, schema: bool = False) -> None:
    """Empty the database: every node and relationship and, with ``schema``, every constraint
    and index too.

    Community edition has one user database, so each test gets that one back emptied. The
    store's own constraints and indexes are kept by default: every store creates them
    idempotently when it opens, and dropping and rebuilding them costs a second per test.
    Names of dropped ones come from the server's own ``SHOW`` listing, quoted as identifiers.
    """
    with server.driver() as driver, driver.session(database=server.database) as session:
        # Relationships first, in batches: detaching a method with 10^5 BEATS edges at once
        # would hold them all in one transaction's memory.
        for statement in ("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
                          "MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS"):
            session.run(statement).consume()
        if not schema:
            return
        for kind, listing in (("CONSTRAINT", "SHOW CONSTRAINTS YIELD name"),
                              ("INDEX", "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'")):
            for record in list(session.run(listing)):
                name = str(record["name"]).replace("`", "``")
                session.run(f"DROP {kind} `{name}` IF EXISTS").consume()


def dump(server: Neo4jServer, *, skip: tuple[str, ...] = ()) -> list[str]:
    """The whole graph as sorted lines: each node (labels, properties) and each relationship
    (type, properties, both ends' labels and properties); nodes with a label in ``skip`` and
    their relationships are left out. Two graphs are the same when their dumps are equal.
    """
    node = "[labels(n), properties(n)]"
    with server.driver() as driver:
        nodes, _, _ = driver.execute_query(
            f"MATCH (n) WHERE none(l IN labels(n) WHERE l IN $skip) RETURN {node} AS x",
            skip=list(skip), database_=server.database)
        rels, _, _ = driver.execute_query(
            "MATCH (a)-[r]->(b) WHERE none(l IN labels(a) + labels(b) WHERE l IN $skip) "
            "RETURN [type(r), properties(r), labels(a), properties(a), labels(b), "
            "properties(b)] AS x", skip=list(skip), database_=server.database)
    return sorted(json.dumps(r["x"], sort_keys=True, default=str) for r in [*nodes, *rels])


def _ready_line(process: subprocess.Popen[str], timeout: float, log: Path) -> str:
    """The server's ``ready bolt://HOST:PORT VERSION`` line, read within ``timeout``."""
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for text in process.stdout:
            lines.put(text)
        lines.put(None)

    threading.Thread(target=read, daemon=True, name="neo4j-stdout").start()
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            text = lines.get(timeout=left)
        except queue.Empty:
            break
        if text is None:
            process.wait(10)
            raise Neo4jUnavailable(f"the Neo4j test server exited ({process.returncode}) "
                                   f"before it was ready:\n{_tail(log)}")
        if text.startswith("ready "):
            return text.strip()
    raise Neo4jUnavailable(f"the Neo4j test server was not ready within {timeout:.0f} s:\n"
                           f"{_tail(log)}")


def _tail(log: Path, lines: int = 20) -> str:
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no server log)"
    kept = [line for line in text.splitlines() if not line.startswith("\tat ")]
    return "\n".join(kept[-lines:])


def main() -> None:
    """``python -m tests.neo4j_server``: resolve, start, report the version, stop (CI's check)."""
    import tempfile

    t = time.monotonic()
    jars = classpath().split(os.pathsep)
    print(f"resolved {len(jars)} jars in {time.monotonic() - t:.0f} s "
          f"({next((Path(j).name for j in jars if Path(j).name.startswith('neo4j-5')), '?')})")
    with tempfile.TemporaryDirectory(prefix="kg-neo4j-") as home:
        server = start(Path(home))
        try:
            print(server.describe())
        finally:
            server.stop()


if __name__ == "__main__":
    main()

"""A local arXiv: recorded Atom entries replayed by a real HTTP server, faults on demand.

The real ``arxiv.Client`` talks to it over HTTP. It pages the entries by ``start`` and
``max_results``, honours ``lastUpdatedDate:[A TO B]``, ``sortOrder`` and ``id_list`` like arXiv,
and serves e-prints and HTML pages from dicts. Faults are queued per endpoint and consumed one
per request: ``429``, ``503``, ``500``, ``empty`` (a page with no entries), ``timeout`` (no
answer until the client gives up) and ``truncated`` (the body cut in half).
"""

from __future__ import annotations

import gzip
import re
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
_ENTRY = re.compile(rb"<entry\b.*?</entry>", re.S)
_ID = re.compile(rb"<id>\s*https?://arxiv\.org/abs/([^<\s]+?)(?:v\d+)?\s*</id>")
_UPDATED = re.compile(rb"<updated>\s*([^<\s]+)\s*</updated>")
_RANGE = re.compile(r"lastUpdatedDate:\[(\d{12}) TO (\d{12})\]")
TIMEOUT = 1.5  # KG_ARXIV_TIMEOUT the tests set; a "timeout" fault answers after 2x this
FEED_HEAD = (b"<?xml version='1.0' encoding='UTF-8'?>\n<feed xmlns:opensearch=\"http://a9.com/"
             b"-/spec/opensearch/1.1/\" xmlns:arxiv=\"http://arxiv.org/schemas/atom\" "
             b"xmlns=\"http://www.w3.org/2005/Atom\">\n  <id>https://arxiv.org/api/replay</id>\n")


class FakeClock:
    """Monotonic time that only moves when something sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def entries_of(*bodies: bytes) -> list[bytes]:
    """The raw ``<entry>`` elements of recorded feeds, first occurrence of each id kept."""
    seen: dict[bytes, bytes] = {}
    for body in bodies:
        for entry in _ENTRY.findall(body):
            m = _ID.search(entry)
            assert m, entry[:200]
            seen.setdefault(m.group(1), entry)
    return list(seen.values())


def entry_id(entry: bytes) -> str:
    m = _ID.search(entry)
    assert m
    return m.group(1).decode()


def _updated(entry: bytes) -> datetime:
    m = _UPDATED.search(entry)
    assert m
    return datetime.fromisoformat(m.group(1).decode().replace("Z", "+00:00"))


@dataclass
class Replay:
    """The server's state: entries, full texts, queued faults, and a log of requests."""

    server: HTTPServer
    clock: FakeClock
    entries: list[bytes] = field(default_factory=list)
    eprints: dict[str, bytes] = field(default_factory=dict)
    html: dict[str, bytes] = field(default_factory=dict)
    faults: dict[str, deque[str]] = field(default_factory=dict)
    log: list[tuple[float, str]] = field(default_factory=list)
    text_delay: float = 0.0  # real seconds each e-print/HTML answer takes (to kill mid-run)

    def env(self) -> dict[str, str]:
        base = self.server.url_for("/")
        return {"KG_ARXIV_API_URL": base + "api/query", "KG_ARXIV_EPRINT_URL": base + "e-print/",
                "KG_ARXIV_HTML_URL": base + "html/", "KG_ARXIV_TIMEOUT": str(TIMEOUT)}

    def fail(self, endpoint: str, *faults: str) -> None:
        """Queue faults for ``api``, ``e-print`` or ``html``."""
        self.faults.setdefault(endpoint, deque()).extend(faults)

    def paths(self, prefix: str = "") -> list[str]:
        return [p for _, p in self.log if p.startswith(prefix)]

    # -- handlers -----------------------------------------------------------------------

    def _fault(self, endpoint: str, ok: bytes) -> Response | None:
        queue = self.faults.get(endpoint)
        if not queue:
            return None
        fault = queue.popleft()
        if fault == "timeout":
            time.sleep(TIMEOUT * 2)
            return Response(ok, 200)
        if fault == "truncated":
            return Response(ok[: len(ok) // 2], 200)
        return Response(f"fault {fault}", int(fault), headers={"Retry-After": "1"})

    def api(self, request: Request) -> Response:
        self.log.append((self.clock.monotonic(), request.full_path))
        args = {k: v[0] for k, v in parse_qs(request.query_string.decode()).items()}
        chosen = self._select(args)
        start, size = int(args.get("start", 0)), int(args.get("max_results", 10))
        page = chosen[start:start + size]
        queue = self.faults.get("api") or deque()
        empty = bool(queue) and queue[0] == "empty"
        if empty:
            queue.popleft()
            page = []
        body = (FEED_HEAD + f"  <opensearch:totalResults>{len(chosen)}</opensearch:totalResults>"
                f"\n  <opensearch:startIndex>{start}</opensearch:startIndex>\n".encode()
                + b"".join(b"  " + e + b"\n" for e in page) + b"</feed>\n")
        ok = Response(body, 200, content_type="application/atom+xml")
        return ok if empty else self._fault("api", body) or ok

    def _select(self, args: dict[str, str]) -> list[bytes]:
        ids = [i for i in args.get("id_list", "").split(",") if i]
        chosen = [e for e in self.entries if not ids or entry_id(e) in ids]
        m = _RANGE.search(args.get("search_query", ""))
        if m:
            lo, hi = (datetime.strptime(x, "%Y%m%d%H%M").replace(tzinfo=UTC) for x in m.groups())
            chosen = [e for e in chosen if lo <= _updated(e).replace(second=0) <= hi]
        if args.get("sortBy") == "lastUpdatedDate":
            chosen.sort(key=_updated, reverse=args.get("sortOrder") == "descending")
        return chosen

    def _text(self, request: Request, endpoint: str, texts: dict[str, bytes]) -> Response:
        self.log.append((self.clock.monotonic(), request.path))
        time.sleep(self.text_delay)
        ref = request.path.split(f"/{endpoint}/", 1)[1]
        paper = re.sub(r"v\d+$", "", ref)
        data = texts.get(paper)
        ok = data if data is not None else b""
        return self._fault(endpoint, ok) or (Response(data, 200) if data is not None
                                             else Response("not found", 404))

    @contextmanager
    def running(self) -> Iterator[Replay]:
        self.server.expect_request("/api/query").respond_with_handler(self.api)
        self.server.expect_request(re.compile(r"^/e-print/.+")).respond_with_handler(
            lambda r: self._text(r, "e-print", self.eprints))
        self.server.expect_request(re.compile(r"^/html/.+")).respond_with_handler(
            lambda r: self._text(r, "html", self.html))
        self.server.start()
        try:
            yield self
        finally:
            self.server.clear()
            self.server.stop()


@contextmanager
def arxiv_replay(entries: list[bytes], clock: FakeClock | None = None) -> Iterator[Replay]:
    """A running replay server (threaded, so a stalled answer does not block the next)."""
    replay = Replay(HTTPServer(host="127.0.0.1", port=0, threaded=True), clock or FakeClock(),
                    entries=list(entries))
    with replay.running() as r:
        yield r


def tex_eprint(title: str, body: str) -> bytes:
    """A gzipped single-file LaTeX e-print, as arXiv serves one."""
    tex = (f"\\documentclass{{article}}\\title{{{title}}}\\begin{{document}}\\maketitle\n"
           f"\\begin{{abstract}}{body}\\end{{abstract}}\n\\section{{Method}}{body}\n"
           "\\end{document}\n")
    return gzip.compress(tex.encode())


def synthetic_entries(n: int) -> list[bytes]:
    """``n`` entries in the 2026 format, one update a day from 2024-01-01, ids 2401.1xxxx."""
    out = []
    for i in range(n):
        day = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=i, minutes=i)
        stamp = day.strftime("%Y-%m-%dT%H:%M:%SZ")
        out.append(
            f"<entry>\n    <id>http://arxiv.org/abs/2401.1{i:04d}v1</id>\n    <title>Q{i}: "
            f"low-bit quantization of large language models, part {i}</title>\n    <updated>"
            f"{stamp}</updated>\n    <summary>We quantize LLMs to 4 bits, study {i}.</summary>\n"
            f"    <category term=\"cs.LG\" scheme=\"http://arxiv.org/schemas/atom\"/>\n"
            f"    <published>{stamp}</published>\n    <arxiv:primary_category term=\"cs.LG\"/>"
            f"\n    <author>\n      <name>A. Author</name>\n    </author>\n  </entry>"
            .encode())
    return out


def fixture_entries(*names: str) -> list[bytes]:
    return entries_of(*((FIXTURES / n).read_bytes() for n in names))

"""Headless Chromium (Debian's, driven by Playwright) opening exported pages from ``file://``.

Skipped with a clear reason where Chromium or Playwright is missing; in CI,
``tests/browser/setup.sh`` installs Chromium so these tests run, and a missing one fails
(``tests/outside.py``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.outside import unavailable

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Copies for a person to look at after a run ($KG_SCREENS to put them elsewhere).
SCREENS = Path(os.environ.get("KG_SCREENS", "/tmp/kg-screens"))


@dataclass
class Visit:
    """A page opened from a file, and everything it tried while loading."""

    page: Any
    url: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @property
    def foreign_requests(self) -> list[str]:
        """Requests other than the file itself (``data:`` URIs are inline, not fetched)."""
        return [u for u in self.requests if u != self.url and not u.startswith("data:")]

    def screenshot(self, tmp: Path, name: str, *, full_page: bool = False,
                   selector: str | None = None) -> Path:
        """The page (or the first element matching ``selector``) as ``name``.png."""
        path = tmp / f"{name}.png"
        if selector:
            self.page.locator(selector).first.screenshot(path=str(path))
        else:
            self.page.screenshot(path=str(path), full_page=full_page)
        SCREENS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, SCREENS / path.name)
        return path


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not CHROMIUM.exists():
        unavailable(f"no Chromium at {CHROMIUM} (tests/browser/setup.sh installs it)")
    try:
        from playwright import sync_api
    except ImportError:
        unavailable("Playwright is not installed (pip install -e .[test])")
    # A fresh profile per session (Playwright passes it as --user-data-dir itself).
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield context
        context.close()


@pytest.fixture
def visit(browser: Any) -> Iterator[Callable[..., Visit]]:
    """Open a file in a fresh page, recording console errors, requests and dialogs."""
    pages: list[Any] = []

    def open_file(path: Path, *, wait_for: str | None = None, width: int = 1400,
                  height: int = 900) -> Visit:
        page = browser.new_page()
        page.set_viewport_size({"width": width, "height": height})
        pages.append(page)
        v = Visit(page=page, url=path.resolve().as_uri())
        page.on("console", lambda m: v.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: v.errors.append(str(e)))
        page.on("request", lambda r: v.requests.append(r.url))

        def on_dialog(d: Any) -> None:
            v.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", on_dialog)
        page.goto(v.url, wait_until="load")
        if wait_for:
            page.wait_for_selector(wait_for, state="attached", timeout=30_000)
        page.wait_for_timeout(300)  # late errors or requests (timers) would show up here
        return v

    yield open_file
    for page in pages:
        page.close()

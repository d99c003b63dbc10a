"""Headless Chromium for the report tests: open a page from disk with the network off, and
return the page as drawn and anything written to the browser's console."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(),
                                    reason="needs Debian's chromium (.ci/run installs it)")
_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--no-proxy-server", "--enable-logging=stderr", "--v=0",
          "--virtual-time-budget=20000"]


def render(page: Path, profile: Path) -> tuple[str, list[str]]:
    """The page's DOM once loaded and drawn, and its console lines (errors and logs)."""
    browser = subprocess.run(
        [str(CHROMIUM), *_FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120)
    console = [line for line in browser.stderr.splitlines() if ":CONSOLE" in line]
    return browser.stdout, console


def screenshot(page: Path, profile: Path, picture: Path, height: int = 6000) -> Path:
    """A full-width picture of the page, kept as a test artefact."""
    picture.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [str(CHROMIUM), *_FLAGS, f"--user-data-dir={profile}", "--hide-scrollbars",
         f"--window-size=1280,{height}", f"--screenshot={picture}", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True)
    return picture

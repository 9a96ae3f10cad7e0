"""Debian's headless Chromium, as the tests of `-o html` drive it: the DOM it builds, a screenshot, a PDF, and the
network requests the page made (from Chromium's own net log).

Chromium itself talks to the network in the background (component updates, accounts, spelling
dictionaries) whatever the page does; the net log tells those apart from the page's own requests by
their network isolation key, which for a page opened from a file is `file://`.  Every host resolves
to nothing and the proxy is a dead port, so nothing leaves the machine either way.
"""
import json
import os
import shutil
import struct
import subprocess
import zlib

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
MISSING = ("Debian's chromium is not installed (apt-get install chromium; .ci/prereqs-chromium.sh installs it)"
           if CHROMIUM is None else "")

FLAGS = ["--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
         "--hide-scrollbars", "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9"]


def run(page_path, tmp_path, *flags, timeout=180) -> subprocess.CompletedProcess:
    """Chromium on the file `page_path`, with its own profile and net log under `tmp_path`."""
    profile = tmp_path / "chromium-profile"
    argv = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", f"--log-net-log={tmp_path / 'netlog.json'}", *flags,
            "file://" + os.path.abspath(page_path)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=str(tmp_path))


def dom(page_path, tmp_path) -> str:
    proc = run(page_path, tmp_path, "--dump-dom")
    assert proc.returncode == 0 and proc.stdout.strip(), proc.stderr[-2000:]
    return proc.stdout


def page_requests(tmp_path, page_path):
    """The URLs the page (not the browser) asked for, other than the page itself."""
    with open(tmp_path / "netlog.json", encoding="utf-8") as fh:
        log = json.load(fh)
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    own = "file://" + os.path.abspath(page_path)
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if event["type"] == start and str(params.get("network_isolation_key", "")).startswith("file://") \
                and params.get("url") != own:
            urls.append(params.get("url"))
    return urls


def png_size_and_first_pixel(path):
    """(width, height), (r, g, b) of the top-left pixel: the first pixel of the first row is stored as is
    under every PNG filter (its left and upper neighbours are zero), so no full decoder is needed."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompressobj().decompress(idat, 16)
    return (width, height), tuple(raw[1:4])

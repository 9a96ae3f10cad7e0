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


class Session:
    """Headless Chromium driven over the DevTools protocol (websocket-client, which the `cluster` extra's
    kubernetes client brings): what a keyboard user and a print or dark-room preview get from the page.

    Opened on `page_path` with the same isolating flags as `run`; `evaluate` runs an expression in the page,
    `key` presses a key as the keyboard does (focus moves, links are followed)."""

    def __init__(self, page_path, tmp_path, timeout=60):
        import time
        import urllib.request

        import websocket

        profile = tmp_path / "cdp-profile"
        self.proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
                                      "--window-size=1280,900", "file://" + os.path.abspath(page_path)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file, deadline = profile / "DevToolsActivePort", time.monotonic() + timeout
        while not (port_file.exists() and port_file.read_text().count("\n") >= 1):
            assert self.proc.poll() is None and time.monotonic() < deadline, "Chromium did not open its DevTools port"
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while True:
            targets = json.load(opener.open(f"http://127.0.0.1:{port}/json/list", timeout=timeout))
            pages = [t for t in targets if t.get("type") == "page" and t.get("url", "").startswith("file://")]
            if pages:
                break
            assert time.monotonic() < deadline, targets
            time.sleep(0.1)
        self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=timeout,
                                              suppress_origin=True)
        self.ids, self.requests = 0, []
        # the target's first document is about:blank (complete at once) until the file's replaces it
        while not self.evaluate("location.protocol === 'file:' && document.readyState === 'complete'"):
            assert time.monotonic() < deadline, "the page did not finish loading"
            time.sleep(0.1)
        self.call("Network.enable")       # from now on, every request the page makes is in self.requests

    def call(self, method, **params):
        self.ids += 1
        self.ws.send(json.dumps({"id": self.ids, "method": method, "params": params}))
        while True:
            answer = json.loads(self.ws.recv())
            if answer.get("method") == "Network.requestWillBeSent":
                self.requests.append(answer["params"]["request"]["url"])
            if answer.get("id") == self.ids:
                assert "error" not in answer, answer
                return answer.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def key(self, name, code, key_code):
        for kind in ("rawKeyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=kind, key=name, code=code, windowsVirtualKeyCode=key_code,
                      **({"text": "\r"} if name == "Enter" and kind == "rawKeyDown" else {}))
        if name == "Enter":
            self.call("Input.dispatchKeyEvent", type="char", key="Enter", code="Enter", text="\r",
                      windowsVirtualKeyCode=13)

    def tab(self):
        self.key("Tab", "Tab", 9)

    def enter(self):
        self.key("Enter", "Enter", 13)

    def media(self, media="", **features):
        self.call("Emulation.setEmulatedMedia", media=media,
                  features=[{"name": k.replace("_", "-"), "value": v} for k, v in features.items()])

    def close(self):
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

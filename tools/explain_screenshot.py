#!/usr/bin/env python3
"""Make the README's pictures of `explain -o html` and `-o svg`: docs/explain-html.png and docs/explain-svg.png.

    python3 tools/explain_screenshot.py            # needs Debian's chromium (apt-get install chromium)

It explains the three objects of the tests' lesson (tests/pictures.py: injected, opted out by annotation,
never asked) against the embedded default cluster, and has headless Chromium render the page (the summary
and the first objects) and the first object's SVG.  Nothing is fetched: every host resolves to nothing.

It also writes docs/explain-pictures.sha256, the digest of each page it photographed:
tests/test_html_output.py fails when the printers' output no longer matches it, i.e. when the README's
pictures are no longer what the command prints (rerun this tool then).
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIGESTS = os.path.join("docs", "explain-pictures.sha256")
sys.path.insert(0, REPO)


def main() -> int:
    from tests.conftest import run_cli
    from tests.pictures import LESSON

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 1
    os.makedirs(os.path.join(REPO, "docs"), exist_ok=True)
    digests = []
    with tempfile.TemporaryDirectory() as tmp:
        for output, name, size in (("html", "explain-html", "1280,2200"), ("svg", "explain-svg", "")):
            page = os.path.join(tmp, f"{name}.{output}")
            drawn = run_cli("explain", "-f", "-", "-o", output, stdin=LESSON).stdout
            digests.append(f"{hashlib.sha256(drawn.encode()).hexdigest()}  {name}.png\n")
            with open(page, "w", encoding="utf-8") as fh:
                fh.write(drawn)
            if output == "svg":      # the whole picture: as tall as the SVG says it is
                size = "1000," + re.search(r'<svg [^>]*height="(\d+)"', drawn).group(1)
            png = os.path.join(REPO, "docs", f"{name}.png")
            subprocess.run([chromium, "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
                            "--disable-background-networking", f"--user-data-dir={tmp}/profile",
                            "--host-resolver-rules=MAP * ~NOTFOUND", f"--screenshot={png}", f"--window-size={size}",
                            "file://" + page], check=True, capture_output=True, timeout=180)
            print(f"wrote {os.path.relpath(png, REPO)}")
    with open(os.path.join(REPO, DIGESTS), "w", encoding="utf-8") as fh:
        fh.writelines(digests)
    print(f"wrote {DIGESTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`--istio-release DIR`: the injector configuration of a downloaded Istio release, from its own chart.

Why here and not in simulator/: finding and reading the chart is I/O; rendering it is
simulator.istio.chart, which takes the file texts.
"""

import re
from pathlib import Path

from simulator.istio.chart import ChartError, parse_sets, render_configmaps, render_webhook_configurations

#: Where the istiod chart sits inside a release download (`istio-1.x.y/`).
RELEASE_CHART = Path("manifests/charts/istio-control/istio-discovery")

__all__ = ["ChartError", "find_chart", "read_chart", "release_configmaps", "release_version", "release_webhooks"]


def find_chart(directory):
    """The istiod chart directory: DIR itself when it is a chart, else DIR/manifests/charts/…/istio-discovery."""
    d = Path(directory)
    for cand in (d, d / RELEASE_CHART):
        if (cand / "values.yaml").is_file() and (cand / "templates" / "istiod-injector-configmap.yaml").is_file():
            return cand
    raise ChartError("%s is neither an Istio release directory nor the istio-discovery chart (no %s/values.yaml "
                     "with templates/istiod-injector-configmap.yaml)" % (directory, RELEASE_CHART))


def read_chart(chart_dir):
    """Chart-relative path -> text, for the files the injector templates can read."""
    root = Path(chart_dir)
    files = {"values.yaml": (root / "values.yaml").read_text(encoding="utf-8")}
    for sub in ("templates", "files"):
        for p in sorted((root / sub).glob("*")):
            if p.is_file() and p.suffix in (".yaml", ".yml", ".tpl", ".json"):
                files["%s/%s" % (sub, p.name)] = p.read_text(encoding="utf-8")
    return files


def release_configmaps(directory, set_flags=(), *, namespace="istio-system"):
    """(injector ConfigMap, mesh ConfigMap) dicts as Helm would install them from the release's chart.

    `set_flags` are `istioctl --set` strings (`values.global.proxy.image=foo`, `meshConfig.x=y`, `tag=…`).
    Either ConfigMap is None when the values switch it off.  Raises ChartError (a ValueError) with a
    one-line reason for a directory without the chart, an unknown profile or a refused --set.
    """
    files = read_chart(find_chart(directory))
    return render_configmaps(files, parse_sets(set_flags), namespace=namespace)


def release_webhooks(directory, set_flags=(), *, namespace="istio-system"):
    """The MutatingWebhookConfigurations the release's chart installs with these settings (None when the
    chart has no webhook template)."""
    files = read_chart(find_chart(directory))
    return render_webhook_configurations(files, parse_sets(set_flags), namespace=namespace)


def release_version(directory):
    """The Istio version of a release directory ("1.30.3"), or None when nothing says it.

    Release builds stamp it into the chart's Chart.yaml (the source tree keeps a placeholder 1.0.0) and
    into the top-level manifest.yaml; the download's directory name (`istio-1.30.3`) is the last resort.
    """
    d = Path(directory)
    candidates = []
    try:
        chart = find_chart(d)
    except ChartError:
        chart = None
    if chart is not None:
        candidates.append((chart / "Chart.yaml", r"(?m)^appVersion:\s*[\"']?v?([0-9][^\s\"']*)"))
    candidates.append((d / "manifest.yaml", r"(?m)^version:\s*[\"']?v?([0-9][^\s\"']*)"))
    for path, pattern in candidates:
        try:
            m = re.search(pattern, path.read_text(encoding="utf-8"))
        except OSError:
            continue
        if m and m.group(1) != "1.0.0":
            return m.group(1)
    m = re.fullmatch(r"istio-v?(\d+\.\d+\.\d+\S*)", d.resolve().name)
    return m.group(1) if m else None

"""`kubectl inject version`: what is running — the plugin, the Istio line its embedded profile follows, the
Python, and the kubernetes client if one is installed — the first lines of any bug report.

The client's version is read from its package metadata, never by importing it (that costs ~400 ms).
"""
from __future__ import annotations

import argparse
import sys
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, Optional

    from ..env import Environment

from ..exitcodes import ExitStatus

HELP = "print the versions of the plugin, its embedded Istio profile, Python and the kubernetes client"
EXAMPLES = """examples:
  kubectl inject version
  kubectl inject version -o json
"""


def add_parser(sub, formatter_class) -> argparse.ArgumentParser:
    p = sub.add_parser("version", formatter_class=formatter_class, help=HELP, description=HELP + ".",
                       epilog=EXAMPLES)
    p.add_argument("-o", "--output", choices=("text", "json", "yaml"), default="text", help="output format")
    return p


def versions() -> Dict[str, Any]:
    from .. import __version__

    return {"kubectlInject": __version__, "embeddedIstio": embedded_istio_version(),
            "python": "%d.%d.%d" % sys.version_info[:3], "pythonExecutable": sys.executable,
            "kubernetesClient": _distribution_version("kubernetes")}


def embedded_istio_version() -> Optional[str]:
    """The `global.tag` of the embedded injector's values: the Istio release the teaching profile mirrors."""
    import json

    from ..state.sources import DEFAULT_CLUSTER
    from simulator import yamlio

    with open(DEFAULT_CLUSTER, encoding="utf-8") as f:
        for obj in yamlio.load_all(f.read()):
            if (obj or {}).get("kind") == "ConfigMap" and (obj.get("metadata") or {}).get("name") == "istio-sidecar-injector":
                values = json.loads((obj.get("data") or {}).get("values") or "{}")
                return ((values.get("global") or {}).get("tag")) or None
    return None


def _distribution_version(name: str) -> Optional[str]:
    try:
        from importlib import metadata
    except ImportError:   # pragma: no cover (3.8)
        return None
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def run(args, env: Environment) -> int:
    v = versions()
    if args.output == "json":
        import json

        env.stdout.write(json.dumps(v, indent=2) + "\n")
    elif args.output == "yaml":
        from simulator.yamlio.write import dump

        env.stdout.write(dump(v))
    else:
        from ..kube.client import INSTALL_HINT, REQUIREMENT
        from ..runtime.startup import install_hint

        client = v["kubernetesClient"] or f"not installed (live commands need: {install_hint(REQUIREMENT, INSTALL_HINT)})"
        env.stdout.write(f"kubectl-inject {v['kubectlInject']}\n"
                         f"embedded profile: Istio {v['embeddedIstio'] or 'unknown'}\n"
                         f"python: {v['python']} ({v['pythonExecutable']})\n"
                         f"kubernetes client: {client}\n")
    return ExitStatus.OK

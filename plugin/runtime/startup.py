"""Starting without the `site` module's work (`python -S`), which the entry points ask for, and leaving
without the interpreter's teardown.

At every start, `site` runs each `.pth` file in site-packages, and those import what they like: on the
benchmark machine a certifi hook and an editable-install finder, ~40 ms, more than half of a one-pod
`explain`.  The entry points (`kubectl-inject`, the krew launcher) start Python with -S and call
`without_site()`: the interpreter's site-packages directories go on sys.path as `site` would put them
there, without running any `.pth` file.  Where that cannot be right, `site` runs in full after all:
  - in a virtual environment (with -S, Python does not know it is in one);
  - when one of the plugin's own packages or dependencies cannot be found without it (one that only a
    `.pth` file makes importable: an editable install, a namespace package), through a finder at the end
    of sys.meta_path; the import is then tried again.  Other misses are left alone: the standard library
    probes for optional modules (`org.python.core`, ...) on every start.

At the end, `leave` flushes the output and ends the process at once (os._exit): tearing the interpreter
down frees every module and object one by one, ~15 ms after a one-pod run whose output is already written.
That is safe only for a one-shot command that leaves nothing behind: os._exit runs no atexit handler (so
no `logging.shutdown`, which flushes log handlers: a long-running `watch` would lose its log tail), no
`finally` still pending in other threads, and kills those threads mid-work.  So `leave` takes the fast way
only when nothing can be lost - no atexit handler registered (importing `logging` registers one), no thread
but the main one - and otherwise exits normally, with the interpreter's full teardown.  A long-running
command must exit through that normal path: return its status from main() and let `leave` decide; never
call os._exit itself.
"""
from __future__ import annotations

import os
import sys

#: Top-level modules of the plugin and of what it imports from site-packages.
PACKAGES = frozenset(("plugin", "simulator", "yaml", "jinja2", "markupsafe", "celpy", "kubernetes"))
#: The install directory when run from the krew archive (its libexec/main.py sets it), else None.
ARCHIVE = None


def install_hint(requirement: str, pip_hint: str) -> str:
    """How to add a missing package: `pip_hint` for a pip/pipx install; from the krew archive (which runs
    Python isolated, so `pip install --user` is not seen), a virtualenv the launcher is pointed at."""
    if ARCHIVE is None:
        return pip_hint
    return (f"python3 -m venv ~/.kubectl-inject && ~/.kubectl-inject/bin/pip install {requirement} && "
            "export KUBECTL_INJECT_PYTHON=~/.kubectl-inject/bin/python (the krew plugin then runs on it)")


def without_site() -> None:
    if not sys.flags.no_site:
        return
    if _in_virtual_environment():
        _run_site()
        return
    import site

    dirs = []
    if not sys.flags.no_user_site:
        dirs.append(site.getusersitepackages())
    dirs.extend(site.getsitepackages())
    sys.path.extend(d for d in dirs if d not in sys.path and os.path.isdir(d))
    sys.meta_path.append(SiteOnDemand)


def _in_virtual_environment() -> bool:
    exe_dir = os.path.dirname(sys.executable)
    return any(os.path.isfile(os.path.join(d, "pyvenv.cfg")) for d in (exe_dir, os.path.dirname(exe_dir)))


def _run_site() -> None:
    import site

    site.main()


class SiteOnDemand:
    """Last on sys.meta_path: one of PACKAGES found nowhere else makes `site` run, once."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if path is not None or name not in PACKAGES or SiteOnDemand not in sys.meta_path:
            return None
        sys.meta_path.remove(SiteOnDemand)
        _run_site()
        import importlib.util

        return importlib.util.find_spec(name)


def leave(status: int) -> None:
    """Exit with `status` once stdout and stderr are flushed: at once when nothing is registered to run
    at exit (see the module docstring), else through the interpreter's normal exit.  A reader that stopped
    reading is not an error, as in plugin.cli; any other failure to write is."""
    broken_pipe = False
    try:
        if sys.stdout is not None:   # None: started with stdout closed (main said so)
            sys.stdout.flush()
    except BrokenPipeError:
        broken_pipe = True
    except (OSError, ValueError) as e:
        from ..exitcodes import ExitStatus

        status = ExitStatus.ERROR
        try:
            sys.stderr.write("error: writing the output: %s\n" % (getattr(e, "strerror", None) or e))
        except (AttributeError, OSError, ValueError):
            pass
    try:
        if sys.stderr is not None:
            sys.stderr.flush()
    except (OSError, ValueError):
        pass
    if needs_teardown():
        if broken_pipe:   # what is still buffered would fail again at shutdown: send it nowhere
            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            except (OSError, ValueError):
                pass
        sys.exit(int(status or 0))
    os._exit(int(status or 0))


def needs_teardown() -> bool:
    """Whether exiting at once could lose something: an atexit handler (logging's flush among them) or a
    thread other than the main one."""
    import atexit

    count = getattr(atexit, "_ncallbacks", None)
    if count is None or count() > 0:      # an interpreter that cannot tell: the safe way
        return True
    threading = sys.modules.get("threading")
    return threading is not None and threading.active_count() > 1

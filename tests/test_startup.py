"""Starting with `python -S` (plugin/runtime/startup.py), as the entry points do: dependencies are still found, and
`site` runs in full only where it must.  Each check runs in a fresh interpreter, since `site` can only be
skipped at start-up.  Whether `site` ran is read from `builtins.exit`, which only `site` defines."""
import os
import subprocess
import sys
import textwrap

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENTRY = os.path.join(REPO, "kubectl-inject")


def _python_s(code, env=None, executable=sys.executable):
    prelude = "import sys, builtins\nsys.path.insert(0, %r)\nfrom plugin.runtime import startup\n" % REPO
    proc = subprocess.run([executable, "-S", "-c", prelude + textwrap.dedent(code)], capture_output=True,
                          text=True, env=env, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def _base_python():
    """An interpreter outside any virtual environment, which the checks below are about (inside one, site
    runs by design: test_in_a_virtual_environment_site_runs).  When the suite itself runs in a virtual
    environment - as `pip install -e '.[test]'` in a fresh venv has it - that is the venv's base interpreter,
    which must then have PyYAML and Jinja2 of its own."""
    if sys.prefix == sys.base_prefix:
        return sys.executable
    base = getattr(sys, "_base_executable", None)
    if not base or not os.path.exists(base) or subprocess.run([base, "-c", "import yaml, jinja2"],
                                                              capture_output=True).returncode != 0:
        pytest.skip("the tests run in a virtual environment (%s) and its base interpreter %s lacks PyYAML or "
                    "Jinja2, so start-up outside a virtual environment cannot be checked" % (sys.prefix, base))
    return base


def test_dependencies_are_found_without_running_site():
    out = _python_s("""
        startup.without_site()
        import yaml, jinja2
        print(hasattr(builtins, "exit"))
    """, executable=_base_python())
    assert out == ["False"]


def test_a_missing_optional_module_does_not_run_site():
    out = _python_s("""
        startup.without_site()
        try:
            import org.python.core      # what copy.py probes for on every start
        except ImportError:
            pass
        print(hasattr(builtins, "exit"))
    """, executable=_base_python())
    assert out == ["False"]


def test_a_package_only_a_pth_file_provides_makes_site_run_and_is_then_found(tmp_path):
    python = _base_python()
    base = tmp_path / "userbase"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONNOUSERSITE"}
    env["PYTHONUSERBASE"] = str(base)
    user_site = subprocess.run([python, "-c", "import site; print(site.getusersitepackages())"],
                               capture_output=True, text=True, env=env, check=True).stdout.strip()
    os.makedirs(user_site)
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "kiprobe.py").write_text("VALUE = 42\n")
    with open(os.path.join(user_site, "kiprobe.pth"), "w") as fh:
        fh.write(str(extra) + "\n")
    out = _python_s("""
        startup.PACKAGES = startup.PACKAGES | {"kiprobe"}
        startup.without_site()
        before = hasattr(builtins, "exit")
        import kiprobe
        print(before, hasattr(builtins, "exit"), kiprobe.VALUE)
    """, env=env, executable=python)
    assert out == ["False", "True", "42"]


def test_in_a_virtual_environment_site_runs(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    out = _python_s("""
        startup.without_site()
        print(hasattr(builtins, "exit"), sys.prefix)
    """, executable=str(python))
    assert out == ["True", str(venv)]


def test_the_entry_runs_as_kubectl_runs_it_with_the_interpreter_it_is_given(tmp_path):
    env = dict(os.environ, KUBECTL_INJECT_PYTHON=sys.executable)
    proc = subprocess.run([ENTRY, "explain", "-f", os.path.join(REPO, "tests", "data", "httpbin.yaml"), "-n", "mesh",
                           "-o", "json"], capture_output=True, text=True, env=env, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert '"verdict": "injected"' in proc.stdout


def _many_pods(tmp_path, count=150):
    path = tmp_path / "pods.yaml"
    path.write_text("".join("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web-%d\n  labels: {app: web}\n"
                            "spec:\n  containers:\n  - name: web\n    image: nginx\n" % i for i in range(count)))
    return str(path)


def test_leaving_without_teardown_still_writes_all_output_and_the_exit_status(tmp_path):
    """startup.leave ends the process with os._exit: what was printed must all be there, the status kept."""
    import io

    from plugin.cli import main
    from plugin.env import Environment

    argv = ["explain", "-f", _many_pods(tmp_path), "-n", "default", "-o", "json", "--exit-code"]
    out, err = io.StringIO(), io.StringIO()
    status = main(argv, Environment(stdout=out, stderr=err, environ={"KUBECTL_INJECT_WORKERS": "1"}))
    env = dict(os.environ, KUBECTL_INJECT_PYTHON=sys.executable)
    proc = subprocess.run([ENTRY] + argv, capture_output=True, text=True, env=env, cwd=str(tmp_path))
    assert len(out.getvalue()) > 1_000_000 and status == 1     # not injected in "default": --exit-code says so
    assert (proc.returncode, proc.stdout) == (status, out.getvalue())


def test_a_reader_that_stops_early_is_not_an_error(tmp_path):
    env = dict(os.environ, KUBECTL_INJECT_PYTHON=sys.executable)
    proc = subprocess.run("%s explain -f %s -n mesh -o json | head -c 10 >/dev/null; echo ${PIPESTATUS[0]}"
                          % (ENTRY, _many_pods(tmp_path)), shell=True, executable="/bin/bash",
                          capture_output=True, text=True, env=env)
    assert proc.stdout.strip() == "0", proc.stderr


def test_the_interpreter_can_be_named_by_command_name_as_for_the_krew_launcher(tmp_path):
    """KUBECTL_INJECT_PYTHON may be a name found on PATH (python3.12), not only a path."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    marker = tmp_path / "used"
    wrapper = bindir / "ki-python"
    wrapper.write_text('#!/bin/sh\ntouch "%s"\nexec "%s" "$@"\n' % (marker, sys.executable))
    wrapper.chmod(0o755)
    env = dict(os.environ, KUBECTL_INJECT_PYTHON="ki-python", PATH=str(bindir) + os.pathsep + os.environ["PATH"])
    proc = subprocess.run([ENTRY, "--version"], capture_output=True, text=True, env=env)
    assert proc.returncode == 0 and proc.stdout.startswith("kubectl-inject ")
    assert marker.exists()


def test_output_that_cannot_be_written_is_an_error_not_a_verdict():
    """The last flush happens in startup.leave; a failure there must exit 2 (error), never 0 or 1 (the
    --exit-code verdict).  Buffered output is what reaches that flush, so PYTHONUNBUFFERED is unset."""
    if not os.path.exists("/dev/full"):
        pytest.skip("needs /dev/full (a device whose writes always fail), which this system lacks")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env["KUBECTL_INJECT_PYTHON"] = sys.executable
    with open("/dev/full", "w") as full:
        proc = subprocess.run([ENTRY, "--version"], stdout=full, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.returncode == 2
    assert "error: writing the output" in proc.stderr


def _leave_in_a_child(setup, status=3):
    """Run `setup` in a fresh interpreter, then startup.leave(status); (exit status, stdout)."""
    code = "import sys\nsys.path.insert(0, %r)\nfrom plugin.runtime import startup\n" % REPO
    code += textwrap.dedent(setup) + "\nstartup.leave(%d)\n" % status
    proc = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, cwd=REPO)
    return proc.returncode, proc.stdout, proc.stderr


def test_a_one_shot_run_leaves_at_once_with_its_status():
    status, out, err = _leave_in_a_child("""
        import os
        real_exit = os._exit
        os._exit = lambda code: (print("fast"), sys.stdout.flush(), real_exit(code))
    """)
    assert (status, out.split(), err) == (3, ["fast"], "")


def test_what_is_registered_to_run_at_exit_still_runs():
    """A long-running command's buffered log lines are written at exit (logging.shutdown, which logging
    registers with atexit): leave must not skip that, nor any other atexit handler."""
    status, out, err = _leave_in_a_child("""
        import atexit, logging, logging.handlers
        buffered = logging.handlers.MemoryHandler(100, target=logging.StreamHandler(sys.stdout))
        logging.getLogger().addHandler(buffered)
        logging.warning("the log tail")
        atexit.register(lambda: print("atexit ran"))
    """)
    assert status == 3, err
    assert out.split("\n") == ["atexit ran", "the log tail", ""]


def test_other_threads_finish_before_the_process_ends(tmp_path):
    marker = tmp_path / "done"
    status, _, err = _leave_in_a_child("""
        import threading, time
        def work():
            time.sleep(0.3)
            open(%r, "w").write("x")
        threading.Thread(target=work).start()
    """ % str(marker), status=0)
    assert status == 0, err
    assert marker.exists()

"""kubectl's conventions as a plugin user meets them: `kubectl inject …` in usage and help, examples for
every verb, explain as the default verb, a `version` verb, no flag abbreviations (pflag has none)."""
import json

import pytest

from plugin.cli import COMMANDS

from .conftest import run_cli


def test_no_verb_means_explain():
    plain = run_cli("explain", "-f", "tests/data/httpbin.yaml", "-n", "mesh", "-o", "json")
    bare = run_cli("-f", "tests/data/httpbin.yaml", "-n", "mesh", "-o", "json")
    assert bare.status == plain.status == 0
    assert bare.stdout == plain.stdout


@pytest.mark.parametrize("verb", COMMANDS)
def test_every_verb_has_examples_written_as_kubectl_inject(verb, capsys):
    assert run_cli(verb, "--help").status == 0
    out = capsys.readouterr().out                      # argparse prints help to sys.stdout
    assert out.startswith(f"usage: kubectl inject {verb}")
    examples = out.split("examples:\n", 1)[1]
    assert f"kubectl inject {verb}" in examples


def test_top_level_help_lists_the_verbs(capsys):
    run_cli("--help")
    out = capsys.readouterr().out
    assert out.startswith("usage: kubectl inject")
    assert all(verb in out for verb in COMMANDS)


def test_version_names_plugin_profile_python_and_client():
    from plugin import __version__

    data = json.loads(run_cli("version", "-o", "json").stdout)
    assert data["kubectlInject"] == __version__
    assert data["embeddedIstio"] == "1.30.3"          # global.tag of the embedded injector's values
    assert data["python"].count(".") == 2
    try:
        from importlib.metadata import PackageNotFoundError, version
        expected = version("kubernetes")
    except PackageNotFoundError:
        expected = None
    assert data["kubernetesClient"] == expected
    text = run_cli("version").stdout
    assert text.startswith(f"kubectl-inject {__version__}\n") and "embedded profile: Istio 1.30.3" in text


def test_flags_are_never_abbreviated(capsys):
    run = run_cli("explain", "-f", "tests/data/httpbin.yaml", "--name", "mesh")
    assert run.status == 2
    assert "unrecognized arguments: --name" in capsys.readouterr().err


def _manifests(tmp_path):
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: %s}\nspec: {containers: [{name: c, image: nginx}]}\n"
    (tmp_path / "top.yaml").write_text(pod % "top")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "deep.yaml").write_text(pod % "deep")
    return str(tmp_path)


def test_directories_are_read_one_level_unless_recursive(tmp_path):
    import json as _json

    folder = _manifests(tmp_path)
    names = lambda run: [i["object"]["name"] for i in _json.loads(run.stdout)["items"]]  # noqa: E731
    assert names(run_cli("explain", "-f", folder, "-o", "json")) == ["top"]
    assert names(run_cli("explain", "-f", folder, "-R", "-o", "json")) == ["top", "deep"]


def test_no_color_even_on_a_terminal():
    coloured = run_cli("explain", "-f", "tests/data/httpbin.yaml", "-n", "mesh", tty=True)
    plain = run_cli("explain", "-f", "tests/data/httpbin.yaml", "-n", "mesh", "--no-color", tty=True)
    assert "\x1b[" in coloured.stdout and "\x1b[" not in plain.stdout
    assert plain.stdout == run_cli("explain", "-f", "tests/data/httpbin.yaml", "-n", "mesh").stdout

"""Completion as users get it: kubectl's plugin protocol (`kubectl __complete inject …` runs
kubectl_complete-inject), the scripts of `kubectl inject completion` in a real bash with bash-completion and
in fish, and the protocol answers themselves (candidates, then `:directive`)."""
import os
import shutil
import subprocess

import pytest

from .conftest import REPO, run_cli

ENV = dict(os.environ, PATH=REPO + os.pathsep + os.environ.get("PATH", ""), KUBECONFIG=os.devnull)


def answer(*words):
    run = run_cli("__complete", *words, environ={"KUBECONFIG": os.devnull})
    assert run.status == 0 and run.stderr == ""
    *lines, directive = run.stdout.splitlines()
    assert directive.startswith(":")
    return [ln.split("\t")[0] for ln in lines], int(directive[1:])


def test_verbs_complete_with_descriptions_and_no_file_names():
    values, directive = answer("")
    assert {"explain", "version", "completion"} <= set(values)
    assert directive == 4                                  # ShellCompDirectiveNoFileComp
    assert answer("ex") == (["explain"], 4)


def test_flags_and_output_formats_complete():
    values, _ = answer("explain", "--o")
    assert values == ["--output", "--offline"]
    assert answer("explain", "-o", "j") == (["json"], 4)
    assert answer("explain", "--output=y") == (["--output=yaml"], 4)
    assert answer("--output=p") == (["--output=patch", "--output=pod"], 4)   # no verb: explain's flags


def test_path_flags_leave_file_names_to_the_shell():
    assert answer("explain", "-f", "") == ([], 0)              # default: the shell completes files
    assert answer("explain", "--istio-release", "") == ([], 16)   # directories only
    assert answer("completion", "") == (["bash", "zsh", "fish"], 4)


def test_contexts_come_from_the_kubeconfig(tmp_path):
    cfg = tmp_path / "config"
    cfg.write_text("apiVersion: v1\nkind: Config\ncontexts:\n- name: prod\n  context: {cluster: p}\n"
                   "- name: staging\n  context: {cluster: s}\n")
    run = run_cli("__complete", "explain", "--context", "", environ={"KUBECONFIG": str(cfg)})
    assert run.stdout.splitlines() == ["prod", "staging", ":4"]
    broken = tmp_path / "broken"
    broken.write_bytes(b"\xff\x00: [")
    run = run_cli("__complete", "explain", "--context", "", environ={"KUBECONFIG": str(broken)})
    assert run.status == 0 and run.stdout == ":4\n"


def test_clusters_users_and_kinds_complete_without_a_cluster(tmp_path):
    cfg = tmp_path / "config"
    cfg.write_text("apiVersion: v1\nkind: Config\nclusters:\n- name: east\n  cluster: {server: 'https://e'}\n"
                   "users:\n- name: alice\n  user: {token: t}\n")
    env = {"KUBECONFIG": str(cfg)}
    assert run_cli("__complete", "status", "--cluster", "", environ=env).stdout.splitlines() == ["east", ":4"]
    assert run_cli("__complete", "status", "--user=", environ=env).stdout.splitlines() == ["--user=alice", ":4"]
    # TYPE/ first, with no space after it, so the name follows; the names themselves need the cluster
    assert answer("explain", "st") == (["statefulset/"], 6)
    assert answer("explain", "cronjob/x") == ([], 4)       # no current context: nothing to ask, no error


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not on PATH")
def test_kubectl_runs_kubectl_complete_inject():
    proc = subprocess.run(["kubectl", "__complete", "inject", "explain", "-o", "y"], env=ENV,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["yaml", ":4"]
    assert "kubectl_complete-inject" in proc.stderr          # kubectl says which executable it called


BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"

BASH_DRIVER = r"""
source %s
%s
_try() {  # what TAB after the line $1 offers, through completion function $2 of command $3
    COMP_LINE=$1; COMP_POINT=${#COMP_LINE}
    read -ra COMP_WORDS <<< "$COMP_LINE"; [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
    "$2" "$3" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" 2>/dev/null
    printf '%%s ' "${COMPREPLY[@]}"; echo
}
"""


def _bash(setup, lines):
    script = BASH_DRIVER % (BASH_COMPLETION, setup) + "\n".join(f"_try {line}" for line in lines)
    proc = subprocess.run(["bash", "-c", script], cwd=REPO, env=ENV, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return [ln.split() for ln in proc.stdout.splitlines()]


@pytest.mark.skipif(not os.path.exists(BASH_COMPLETION), reason="bash-completion is not installed "
                    "(apt-get install bash-completion; .ci/run installs it)")
@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not on PATH")
def test_kubectl_inject_completes_in_bash_through_kubectl():
    got = _bash("source <(kubectl completion bash)",
                ['"kubectl inject ex" __start_kubectl kubectl', '"kubectl inject explain -o " __start_kubectl kubectl'])
    assert got == [["explain"], ["html", "json", "kube-inject", "patch", "pod", "svg", "text", "yaml"]]


@pytest.mark.skipif(not os.path.exists(BASH_COMPLETION), reason="bash-completion is not installed "
                    "(apt-get install bash-completion; .ci/run installs it)")
def test_completion_bash_script_completes_kubectl_inject():
    got = _bash("source <(kubectl-inject completion bash)",
                ['"kubectl-inject ver" _kubectl_inject kubectl-inject',
                 '"kubectl-inject explain --ou" _kubectl_inject kubectl-inject',
                 '"kubectl-inject explain -f tests/data/httpb" _kubectl_inject kubectl-inject'])
    assert got == [["version"], ["--output"], ["tests/data/httpbin.yaml"]]


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed (apt-get install fish)")
def test_completion_fish_script_completes_kubectl_inject():
    proc = subprocess.run(["fish", "-c", 'kubectl-inject completion fish | source; complete -C "kubectl-inject explain -o p"'],
                          cwd=REPO, env=ENV, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["patch", "pod"]


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed (apt-get install zsh)")
def test_completion_zsh_script_loads_in_zsh():
    proc = subprocess.run(["zsh", "-fc", "autoload -Uz compinit && compinit -u -D; "
                           "source <(kubectl-inject completion zsh); whence -w _kubectl_inject"],
                          cwd=REPO, env=ENV, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "_kubectl_inject: function"

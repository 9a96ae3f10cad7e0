"""`kubectl inject completion bash|zsh|fish`: shell completion for `kubectl-inject` run directly.

Through kubectl (`kubectl inject <TAB>`), kubectl ≥ 1.26 completes plugin arguments by running the
`kubectl_complete-inject` executable, which pip and pipx install next to `kubectl-inject` (with krew,
see the README). Both paths end in `kubectl-inject __complete` (plugin/commands/complete.py); the scripts
here only turn its answer (candidates, then `:directive`) into what each shell wants.
"""
from __future__ import annotations

import argparse
TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..env import Environment

from ..exitcodes import ExitStatus

HELP = "print a shell completion script for kubectl-inject (bash, zsh or fish)"
EXAMPLES = """examples:
  source <(kubectl inject completion bash)                     # this shell
  kubectl inject completion bash > ~/.local/share/bash-completion/completions/kubectl-inject
  kubectl inject completion zsh > "${fpath[1]}/_kubectl-inject"
  kubectl inject completion fish > ~/.config/fish/completions/kubectl-inject.fish
"""
SHELLS = ("bash", "zsh", "fish")

BASH = r'''# bash completion for kubectl-inject (kubectl-inject completion bash)
_kubectl_inject() {
    local cur words cword
    if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
        _get_comp_words_by_ref -n =: cur words cword
    else
        cur=${COMP_WORDS[COMP_CWORD]} words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
    fi
    local out
    out=$("${words[0]}" __complete "${words[@]:1:cword-1}" "$cur" 2>/dev/null) || return 0
    local directive=${out##*:}
    local line
    COMPREPLY=()
    while IFS= read -r line; do
        [[ -z $line || $line == :* ]] && continue
        COMPREPLY+=("${line%%$'\t'*}")
    done <<< "$out"
    if ((directive & 2)); then compopt -o nospace 2>/dev/null; fi
    if ((${#COMPREPLY[@]} == 0)); then
        if ((directive & 16)); then
            COMPREPLY=($(compgen -d -- "$cur"))
        elif ((directive & 4)) || ((directive & 1)); then
            :
        else
            COMPREPLY=($(compgen -f -- "$cur"))
            compopt -o filenames 2>/dev/null
        fi
    fi
    if declare -F __ltrim_colon_completions >/dev/null 2>&1; then __ltrim_colon_completions "$cur"; fi
}
complete -F _kubectl_inject kubectl-inject
'''

ZSH = r'''#compdef kubectl-inject
# zsh completion for kubectl-inject (kubectl-inject completion zsh)
_kubectl_inject() {
    local -a out candidates
    local directive line
    out=("${(@f)$(${words[1]} __complete "${(@)words[2,CURRENT-1]}" "${words[CURRENT]}" 2>/dev/null)}")
    directive=${${out[-1]}#:}
    for line in "${(@)out[1,-2]}"; do
        [[ -z $line ]] && continue
        candidates+=("${line//:/\\:}")
    done
    candidates=("${(@)candidates//$'\t'/:}")
    if (( ${#candidates} > 0 )); then
        _describe 'kubectl-inject' candidates
    elif (( directive & 16 )); then
        _files -/
    elif (( !(directive & 4) && !(directive & 1) )); then
        _files
    fi
}
compdef _kubectl_inject kubectl-inject
'''

FISH = r'''# fish completion for kubectl-inject (kubectl-inject completion fish)
function __kubectl_inject_complete
    set -l tokens (commandline -opc)
    set -l out ($tokens[1] __complete $tokens[2..-1] (commandline -ct) 2>/dev/null)
    set -l directive (string replace -r '^:' '' -- $out[-1])
    set -e out[-1]
    if test (count $out) -gt 0
        printf '%s\n' $out
    else if test (math "bitand($directive, 16)") -ne 0
        __fish_complete_directories (commandline -ct)
    else if test (math "bitand($directive, 5)") -eq 0
        __fish_complete_path (commandline -ct)
    end
end
complete -c kubectl-inject -f -a '(__kubectl_inject_complete)'
'''

SCRIPTS = {"bash": BASH, "zsh": ZSH, "fish": FISH}


def add_parser(sub, formatter_class) -> argparse.ArgumentParser:
    p = sub.add_parser("completion", formatter_class=formatter_class, help=HELP, description=HELP + ".",
                       epilog=EXAMPLES)
    p.add_argument("shell", choices=SHELLS, help="the shell the script is for")
    return p


def run(args, env: Environment) -> int:
    env.stdout.write(SCRIPTS[args.shell])
    return ExitStatus.OK

"""Sprig's env and expandenv (os.Getenv, os.ExpandEnv) in an empty environment.

The simulator has no process environment: a render must not depend on where it runs.
"""

from ..gotemplate.funcs import gofunc


@gofunc("string", returns="string")
def env(name):
    """os.Getenv in an empty environment: the simulated process has no variables (keeps renders pure)."""
    return ""


def _shell_name(s):
    special = "*#$@!?-0123456789"
    if s[0] == "{":
        if len(s) > 2 and s[1] in special and s[2] == "}":
            return s[1:2], 3
        for i in range(1, len(s)):
            if s[i] == "}":
                if i == 1:
                    return "", 2
                return s[1:i], i + 1
        return "", 1
    if s[0] in special:
        return s[0], 1
    i = 0
    while i < len(s) and (s[i] == "_" or s[i].isascii() and s[i].isalnum()):
        i += 1
    return s[:i], i


@gofunc("string", returns="string")
def expandenv(s):
    """os.ExpandEnv in an empty environment: every $VAR / ${VAR} expands to ""."""
    out = []
    i = 0
    j = 0
    touched = False
    while j < len(s):
        if s[j] == "$" and j + 1 < len(s):
            touched = True
            out.append(s[i:j])
            name, w = _shell_name(s[j + 1:])
            if name == "" and w == 0:
                out.append("$")
            j += w
            i = j + 1
        j += 1
    if not touched:
        return s
    return "".join(out) + s[i:]

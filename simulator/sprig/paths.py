"""Sprig's base/dir/clean/ext/isAbs and their os* twins: Go's path package (path/filepath is the same on Linux)."""

from ..gotemplate.funcs import gofunc


def path_clean(p):
    """path.Clean: lexical shortening of a slash-separated path."""
    if p == "":
        return "."
    rooted = p[0] == "/"
    parts = []
    for seg in p.split("/"):
        if seg == "" or seg == ".":
            continue
        if seg == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(seg)
    out = "/".join(parts)
    if rooted:
        return "/" + out
    return out or "."


@gofunc("string", returns="string")
def path_base(p):
    if p == "":
        return "."
    p = p.rstrip("/")
    if p == "":
        return "/"
    return p[p.rfind("/") + 1:]


@gofunc("string", returns="string")
def path_dir(p):
    i = p.rfind("/")
    return path_clean(p[:i + 1])


@gofunc("string", returns="string")
def path_clean_fn(p):
    return path_clean(p)


@gofunc("string", returns="string")
def path_ext(p):
    i = len(p) - 1
    while i >= 0 and p[i] != "/":
        if p[i] == ".":
            return p[i:]
        i -= 1
    return ""


@gofunc("string", returns="bool")
def path_is_abs(p):
    return p.startswith("/")

"""Masterminds/semver v3.3.0 as sprig's `semver` and `semverCompare` use it.

Templates gate features on versions ("semverCompare \">=1.28\" .Capabilities..."), and the library's
answers are not plain semver: versions are coerced ("1.2" is 1.2.0, a leading "v" is allowed), "x"/"*"
wildcards make a constraint "dirty", and a prerelease never satisfies a constraint without one.  The
version and constraint grammars below are the library's own regular expressions (no Go-only syntax),
so Python's re reads them identically.
"""

import functools
import re

from ..gotemplate.values import GoStruct, Uint64
from ..gotemplate.funcs import FuncError, gofunc
from .conv import StrconvError, parse_uint

_SEMVER = (r"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?"
           r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
           r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?")

_CV = (r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?"
       r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
       r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?")
_OPS = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^"
_S = r"[\t\n\f\r ]"  # Go's \s


@functools.lru_cache(maxsize=None)
def _res():
    """The patterns, compiled on first use (compiling them costs every run ~3 ms otherwise):
    (version, constraint, range, find, valid)."""
    return (re.compile("^" + _SEMVER + r"\Z"),
            re.compile(r"^%s*(%s)%s*(%s)%s*\Z" % (_S, _OPS, _S, _CV, _S)),
            re.compile(r"%s*(%s)%s+-%s+(%s)%s*" % (_S, _CV, _S, _S, _CV, _S)),
            re.compile(r"(%s)%s*(%s)" % (_OPS, _S, _CV)),
            re.compile(r"^(%s*(%s)%s*(%s)%s*)((?:%s+|,%s*)(%s)%s*(%s)%s*)*\Z" % (
                _S, _OPS, _S, _CV, _S, _S, _S, _OPS, _S, _CV, _S)))

_NUM = "0123456789"
_ALLOWED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-" + _NUM


class SemverError(Exception):
    pass


def _contains_only(s, allowed):
    return all(c in allowed for c in s)


def _validate_prerelease(p):
    for part in p.split("."):
        if _contains_only(part, _NUM):
            if len(part) > 1 and part[0] == "0":
                raise SemverError("Version segment starts with 0")
        elif not _contains_only(part, _ALLOWED):
            raise SemverError("Invalid Prerelease string")


def _validate_metadata(m):
    for part in m.split("."):
        if not _contains_only(part, _ALLOWED):
            raise SemverError("Invalid Metadata string")


def _segment(s):
    try:
        return parse_uint(s, 10, 64)
    except StrconvError as e:
        raise SemverError("Error parsing version segment: %s" % e)


class Version(GoStruct):
    """*semver.Version: a pointer to a struct with unexported fields, printed through String()."""

    go_pointer = True

    def __init__(self, major, minor, patch, pre, metadata, original):
        self.major, self.minor, self.patch = major, minor, patch
        self.pre, self.metadata, self.original = pre, metadata, original

    def go_type_name(self):
        return "semver.Version"

    def go_field(self, name):
        raise LookupError(name)

    def go_fields(self):
        return [("major", Uint64(self.major)), ("minor", Uint64(self.minor)), ("patch", Uint64(self.patch)),
                ("pre", self.pre), ("metadata", self.metadata), ("original", self.original)]

    def go_string(self):
        s = "%d.%d.%d" % (self.major, self.minor, self.patch)
        if self.pre:
            s += "-" + self.pre
        if self.metadata:
            s += "+" + self.metadata
        return s

    def go_json(self):
        return self.go_string()

    def go_method(self, name):
        m = _METHODS.get(name)
        if m is None:
            return None

        def bound(*args):
            return m(self, *args)

        bound.go_sig = m.go_sig
        bound.go_signature = m.go_signature
        bound.__name__ = name
        return bound

    def __eq__(self, other):
        return isinstance(other, Version) and self.go_fields() == other.go_fields()

    def __hash__(self):
        return hash(self.original)

    def compare(self, o):
        for a, b in ((self.major, o.major), (self.minor, o.minor), (self.patch, o.patch)):
            if a != b:
                return -1 if a < b else 1
        ps, po = self.pre, o.pre
        if ps == "" and po == "":
            return 0
        if ps == "":
            return 1
        if po == "":
            return -1
        return _compare_prerelease(ps, po)


def new_version(v):
    """semver.NewVersion."""
    m = _res()[0].match(v)
    if m is None:
        raise SemverError("Invalid Semantic Version")
    major = _segment(m.group(1))
    minor = _segment(m.group(2)[1:]) if m.group(2) else 0
    patch = _segment(m.group(3)[1:]) if m.group(3) else 0
    pre = m.group(5) or ""
    meta = m.group(8) or ""
    if pre:
        _validate_prerelease(pre)
    if meta:
        _validate_metadata(meta)
    return Version(major, minor, patch, pre, meta, v)


def _compare_prerelease(v, o):
    sp, op = v.split("."), o.split(".")
    for i in range(max(len(sp), len(op))):
        s = sp[i] if i < len(sp) else ""
        t = op[i] if i < len(op) else ""
        d = _compare_pre_part(s, t)
        if d:
            return d
    return 0


def _as_uint(s):
    try:
        return parse_uint(s, 10, 64)
    except StrconvError:
        return None


def _compare_pre_part(s, o):
    if s == o:
        return 0
    if s == "":
        return -1 if o != "" else 1
    if o == "":
        return 1 if s != "" else -1
    oi, si = _as_uint(o), _as_uint(s)
    if oi is None and si is None:
        return 1 if s.encode("utf-8", "surrogateescape") > o.encode("utf-8", "surrogateescape") else -1
    if oi is None:
        return -1
    if si is None:
        return 1
    return 1 if si > oi else -1


class _Constraint:
    __slots__ = ("con", "orig", "op", "minor_dirty", "patch_dirty", "dirty")


def _is_x(s):
    return s in ("x", "*", "X")


def _parse_constraint(c):
    if c:
        m = _res()[1].match(c)
        if m is None:
            raise SemverError("improper constraint: %s" % c)
        cs = _Constraint()
        cs.orig, cs.op = m.group(2), m.group(1)
        g3, g4, g5, g6 = m.group(3) or "", m.group(4) or "", m.group(5) or "", m.group(6) or ""
        ver = m.group(2)
        minor_dirty = patch_dirty = dirty = False
        if _is_x(g3) or g3 == "":
            ver = "0.0.0" + g6
            dirty = True
        elif _is_x(g4[1:] if g4.startswith(".") else g4) or g4 == "":
            minor_dirty = dirty = True
            ver = "%s.0.0%s" % (g3, g6)
        elif _is_x(g5[1:] if g5.startswith(".") else g5) or g5 == "":
            dirty = patch_dirty = True
            ver = "%s%s.0%s" % (g3, g4, g6)
        try:
            cs.con = new_version(ver)
        except SemverError:
            raise SemverError("constraint Parser Error")
        cs.minor_dirty, cs.patch_dirty, cs.dirty = minor_dirty, patch_dirty, dirty
        return cs
    cs = _Constraint()
    cs.con = Version(0, 0, 0, "", "", "0.0.0")
    cs.orig, cs.op = c, ""
    cs.minor_dirty = cs.patch_dirty = False
    cs.dirty = True
    return cs


def _rewrite_range(s):
    ms = list(_res()[2].finditer(s))
    for m in ms:
        s = s.replace(m.group(0), ">= %s, <= %s " % (m.group(1), m.group(11)), 1)
    return s


def new_constraint(c):
    """semver.NewConstraint: a list of AND-groups, OR'ed."""
    c = _rewrite_range(c)
    groups = []
    for part in c.split("||"):
        if not _res()[4].match(part):
            raise SemverError("improper constraint: %s" % part)
        found = [m.group(0) for m in _res()[3].finditer(part)] or [part]
        groups.append([_parse_constraint(s) for s in found])
    return groups


def _pre_blocked(v, c):
    return v.pre != "" and c.con.pre == ""


def _check(v, c):
    op = c.op
    con = c.con
    if op in ("", "="):
        if _pre_blocked(v, c):
            return False
        if c.dirty:
            return _tilde(v, c)
        return v.compare(con) == 0
    if op == "!=":
        if c.dirty:
            if _pre_blocked(v, c):
                return False
            if con.major != v.major:
                return True
            if con.minor != v.minor and not c.minor_dirty:
                return True
            if c.minor_dirty:
                return False
            if con.patch != v.patch and not c.patch_dirty:
                return True
            if c.patch_dirty:
                if v.pre != "" or con.pre != "":
                    return _compare_prerelease(v.pre, con.pre) != 0
                return False
        return v.compare(con) != 0
    if _pre_blocked(v, c):
        return False
    if op == ">":
        if not c.dirty:
            return v.compare(con) == 1
        if v.major > con.major:
            return True
        if v.major < con.major or c.minor_dirty:
            return False
        if c.patch_dirty:
            return v.minor > con.minor
        return v.compare(con) == 1
    if op == "<":
        return v.compare(con) < 0
    if op in (">=", "=>"):
        return v.compare(con) >= 0
    if op in ("<=", "=<"):
        if not c.dirty:
            return v.compare(con) <= 0
        if v.major > con.major:
            return False
        if v.major == con.major and v.minor > con.minor and not c.minor_dirty:
            return False
        return True
    if op in ("~", "~>"):
        return _tilde(v, c)
    if op == "^":
        if v.compare(con) < 0:
            return False
        if con.major > 0 or c.minor_dirty:
            return v.major == con.major
        if con.major == 0 and v.major > 0:
            return False
        if con.minor > 0 or c.patch_dirty:
            return v.minor == con.minor
        if con.minor == 0 and v.minor > 0:
            return False
        return con.patch == v.patch
    return False


def _tilde(v, c):
    con = c.con
    if _pre_blocked(v, c):
        return False
    if v.compare(con) < 0:
        return False
    if con.major == 0 and con.minor == 0 and con.patch == 0 and not c.minor_dirty and not c.patch_dirty:
        return True
    if v.major != con.major:
        return False
    if v.minor != con.minor and not c.minor_dirty:
        return False
    return True


def check(groups, v):
    return any(all(_check(v, c) for c in group) for group in groups)


@gofunc("string", "string", returns="bool", name="semverCompare")
def semver_compare(constraint, version):
    try:
        groups = new_constraint(constraint)
        v = new_version(version)
    except SemverError as e:
        raise FuncError(str(e))
    return check(groups, v)


@gofunc("string", returns="*semver.Version", name="semver")
def semver(version):
    try:
        return new_version(version)
    except SemverError as e:
        raise FuncError(str(e))


# Methods of *semver.Version that templates can call.

@gofunc(returns="uint64", name="Major")
def _major(v):
    return Uint64(v.major)


@gofunc(returns="uint64", name="Minor")
def _minor(v):
    return Uint64(v.minor)


@gofunc(returns="uint64", name="Patch")
def _patch(v):
    return Uint64(v.patch)


@gofunc(returns="string", name="Prerelease")
def _prerelease(v):
    return v.pre


@gofunc(returns="string", name="Metadata")
def _metadata(v):
    return v.metadata


@gofunc(returns="string", name="Original")
def _original(v):
    return v.original


@gofunc(returns="string", name="String")
def _string(v):
    return v.go_string()


@gofunc("*semver.Version", returns="int", name="Compare")
def _compare(v, o):
    return v.compare(o)


@gofunc("*semver.Version", returns="bool", name="LessThan")
def _less_than(v, o):
    return v.compare(o) < 0


@gofunc("*semver.Version", returns="bool", name="GreaterThan")
def _greater_than(v, o):
    return v.compare(o) > 0


@gofunc("*semver.Version", returns="bool", name="Equal")
def _equal(v, o):
    return v.compare(o) == 0


_METHODS = {f.go_sig.name: f for f in (_major, _minor, _patch, _prerelease, _metadata, _original, _string,
                                       _compare, _less_than, _greater_than, _equal)}

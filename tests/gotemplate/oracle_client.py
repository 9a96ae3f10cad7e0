"""Build, cache and talk to the Go oracle (tests/gotemplate/oracle), and map test data between the two sides.

The oracle is the real Go text/template with sprig v3, so every comparison in this directory is against Go
itself.  Building it costs tens of seconds on a cold machine; tests/gobuild.py caches it, keyed by everything
that can change the binary (sources, go.mod, go.sum, `go version`).

Data typing (shared by the YAML case files and the oracle's stdin protocol): plain JSON/YAML values mean
the Go types the Python engine gives plain Python data (dict -> map[string]interface {}, list ->
[]interface {}, int -> int, float -> float64, str, bool, None -> nil).  A mapping with exactly the keys
"$go" and "v" spells any other Go type: {"$go": "int64", "v": 3}, {"$go": "float64", "v": "+Inf"},
{"$go": "map[string]string", "v": {...}}, {"$go": "[]string", "v": [...]},
{"$go": "struct:Outer", "v": {...}} ("*struct:Outer" for a pointer), {"$go": "func", "v": "tfUpper"}.
"""

import base64
import json
import math
import subprocess
from pathlib import Path

from simulator.gotemplate import values as gv

ORACLE_DIR = Path(__file__).resolve().parent / "oracle"

class OracleUnavailable(Exception):
    """Go is missing; tests that need the oracle skip with this message."""


def oracle_binary():
    """Path of the oracle binary, built and cached by tests/gobuild.py.  Without Go the tests skip; a
    build that breaks while Go is there fails the run instead of quietly skipping it."""
    import shutil

    from tests.gobuild import GoProgramUnavailable, go_program

    try:
        return go_program(ORACLE_DIR, "gotemplate-oracle", "the Go text/template oracle")
    except GoProgramUnavailable as e:
        if shutil.which("go") is None:
            raise OracleUnavailable(str(e)) from None
        raise RuntimeError(str(e)) from None


class Oracle:
    """A long-running oracle process answering one JSON request line with one JSON response line."""

    def __init__(self, binary):
        self.binary = str(binary)
        self.proc = None

    def _start(self):
        # An empty environment: the simulator models a process without variables (sprig's env).
        self.proc = subprocess.Popen([self.binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, bufsize=0, env={})

    def close(self):
        if self.proc is not None:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
            self.proc = None

    def run(self, template, data=None, *, missingkey="default", name="template", entry=None, funcs=()):
        return self.run_many([request(template, data, missingkey=missingkey, name=name, entry=entry,
                                      funcs=funcs)])[0]

    def run_many(self, requests):
        """Send encoded requests; returns decoded responses in order (see `decode_response`)."""
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        results = []
        # Write and read in chunks so neither pipe buffer fills while the other side waits.
        for i in range(0, len(requests), 64):
            chunk = requests[i:i + 64]
            self.proc.stdin.write(b"".join(json.dumps(r).encode() + b"\n" for r in chunk))
            for _ in chunk:
                line = self.proc.stdout.readline()
                if not line:
                    err = self.proc.stderr.read().decode(errors="replace")
                    self.proc = None
                    raise RuntimeError("oracle died: " + err)
                results.append(decode_response(json.loads(line)))
        return results


def request(template, data=None, *, missingkey="default", name="template", entry=None, funcs=()):
    r = {"template": template, "data": to_go_json(data), "missingkey": missingkey, "name": name}
    if entry:
        r["entry"] = entry
    if funcs:
        r["funcs"] = list(funcs)
    return r


def _text(resp, key):
    if key in resp:
        return resp[key]
    if key + "_b64" in resp:
        return base64.b64decode(resp[key + "_b64"]).decode("utf-8", "surrogateescape")
    return None


def decode_response(resp):
    """{"output": str} or {"error": str, "phase": ...}; invalid UTF-8 comes back surrogate-escaped,
    the way the Python engine carries Go's byte strings."""
    if "bad_request" in resp or "panic" in resp:
        raise RuntimeError("oracle could not run the case: %r" % resp)
    out = {}
    if _text(resp, "output") is not None:
        out["output"] = _text(resp, "output")
    if _text(resp, "error") is not None:
        out["error"] = _text(resp, "error")
        out["phase"] = resp.get("phase")
    return out


# --- data mapping ----------------------------------------------------------------------------------------

def _tag(t, v):
    return {"$go": t, "v": v}


def to_go_json(v):
    """Encode Python test data as the oracle's tagged JSON so Go builds exactly the Go types the Python
    engine will see."""
    if v is None or type(v) is bool or type(v) is str:
        return v
    if type(v) is int:
        if not -(1 << 63) <= v < (1 << 63):
            raise ValueError("int out of Go's int range: %d" % v)
        return v
    if type(v) is float:
        return v if math.isfinite(v) else _tag("float64", _float_text(v))
    if isinstance(v, gv._GoInt):
        return _tag(v.go_type, int(v))
    if isinstance(v, gv.Float32):
        return _tag("float32", float(v) if math.isfinite(v) else _float_text(v))
    if getattr(v, "go_nil", False) and isinstance(v, (list, dict)):
        return _tag(gv.go_type_name(v), None)  # a nil slice or map: Go builds the typed nil
    if isinstance(v, gv.TypedMap):
        return _tag("map[%s]%s" % (v.key_type, v.elem_type), {k: _typed_elem(e) for k, e in v.items()})
    if isinstance(v, dict):
        for k in v:
            if type(k) is not str:
                raise ValueError("map keys must be strings for map[string]interface {}: %r" % (k,))
        return {k: to_go_json(e) for k, e in v.items()}
    if isinstance(v, gv.TypedList):
        return _tag("[]" + v.elem_type, [_typed_elem(e) for e in v])
    if isinstance(v, (list, tuple)):
        return [to_go_json(e) for e in v]
    from . import gotypes, testfuncs
    if isinstance(v, gotypes.TestStruct):
        return v.to_go_json()
    if isinstance(v, gv.GoNilPointer) and v.elem_type in gotypes.STRUCTS:
        return _tag("*struct:" + v.elem_type.split(".", 1)[1], None)
    name = testfuncs.name_of(v)
    if name is not None:
        return _tag("func", name)
    raise ValueError("no Go encoding for %r" % (v,))


def _float_text(f):
    if math.isnan(f):
        return "NaN"
    return "+Inf" if f > 0 else "-Inf"


def _typed_elem(e):
    """Element of a typed container: the tag is on the container, so scalars go bare."""
    if isinstance(e, bool) or e is None or isinstance(e, str):
        return e
    if isinstance(e, int):
        return int(e)
    if isinstance(e, float):
        return float(e) if math.isfinite(e) else _float_text(e)
    return to_go_json(e)


def from_case_data(v):
    """Case-file data (YAML with $go tags) -> the Python values the engine receives."""
    if isinstance(v, dict):
        if set(v) == {"$go", "v"}:
            return _from_tag(v["$go"], v["v"])
        return {k: from_case_data(e) for k, e in v.items()}
    if isinstance(v, list):
        return [from_case_data(e) for e in v]
    return v


def _scalar_of(t, v):
    if t in gv.INT_TYPES:
        cls = gv.INT_TYPES[t]
        return cls(v) if v is not None else cls(0)
    if t == "float64":
        return float(v) if v is not None else 0.0
    if t == "float32":
        return gv.Float32(float(v) if v is not None else 0.0)
    if t == "string":
        return "" if v is None else v
    if t == "bool":
        return bool(v)
    if t in ("interface {}", "any"):
        return from_case_data(v)
    return _from_tag(t, v)


def _from_tag(t, v):
    from . import gotypes, testfuncs
    if t == "func":
        return testfuncs.FUNCS[v]
    if t.startswith("struct:") or t.startswith("*struct:"):
        return gotypes.make(t, v)
    if t.startswith("[]"):
        elem = t[2:]
        if v is None:
            return gv.zero_value(t)
        items = [_scalar_of(elem, e) for e in v]
        return items if elem == "interface {}" else gv.TypedList(items, elem)
    if t.startswith("map[string]"):
        elem = t[len("map[string]"):]
        if v is None:
            return gv.zero_value(t)
        items = {k: _scalar_of(elem, e) for k, e in v.items()}
        if elem == "interface {}":
            return items
        if elem == "string":
            return gv.StringMap(items)
        return gv.TypedMap(items, elem_type=elem)
    return _scalar_of(t, v)

"""The sprig v3.3.0 function map (sprig.TxtFuncMap) in Python: SPRIG_FUNCS.

Injector templates are parsed with sprig's functions installed, so rendering them offline needs the
same functions with the same edge cases.  Each entry reproduces sprig v3.3.0 (and the libraries it calls:
spf13/cast, mergo, Masterminds/semver, goutils, encoding/json, regexp) as verified against the real Go
package by tests/gotemplate.  Implementations live in sibling modules named after sprig's own source files:
strings, crypto, encoding, regex, paths, env, date (duration), data (dict/list/defaults/reflect), numeric,
semver; conv and tojson hold the spf13/cast and encoding/json behaviour they share.

Not reproduced, because they depend on the clock, randomness, the network or the process environment,
which the simulator must not touch: date/time functions, rand*/uuidv4/shuffle, crypto key and
certificate generation, bcrypt/htpasswd, getHostByName.  They are present in the map (so templates that
mention them still parse, as in Go) but fail when executed.  `env` and `expandenv` behave as in a process
with an empty environment.  Helm's `toYaml`/`required` and Istio's functions are not sprig's; callers add them.
"""

import importlib
from collections.abc import Mapping

from ..gotemplate.funcs import FuncError, gofunc

# Where each function lives, by the sprig source file it comes from (the module is imported on first use).
_MODULES = {"t": "strings", "cr": "crypto", "enc": "encoding", "re": "regex", "p": "paths", "os": "env",
            "dt": "date", "d": "data", "m": "numeric", "sv": "semver"}


def _unsupported(name, why):
    @gofunc(variadic="any", returns="interface {}", name=name)
    def f(*args):
        raise FuncError("sprig function %s is not available in the simulator (%s)" % (name, why))
    return f


_UNSUPPORTED = {
    "clock": ["ago", "date", "date_in_zone", "date_modify", "dateInZone", "dateModify", "durationRound",
              "htmlDate", "htmlDateInZone", "must_date_modify", "mustDateModify", "mustToDate", "now",
              "toDate", "unixEpoch"],
    "randomness": ["randAlphaNum", "randAlpha", "randAscii", "randNumeric", "randBytes", "randInt",
                   "shuffle", "uuidv4", "bcrypt", "htpasswd", "genPrivateKey", "derivePassword",
                   "buildCustomCert", "genCA", "genCAWithKey", "genSelfSignedCert",
                   "genSelfSignedCertWithKey", "genSignedCert", "genSignedCertWithKey", "encryptAES",
                   "decryptAES"],
    "network": ["getHostByName"],
    "not implemented": ["snakecase", "camelcase", "kebabcase", "urlParse", "urlJoin"],
}

_TABLE = {
    "hello": "t.hello",

    # strings
    "abbrev": "t.abbrev", "abbrevboth": "t.abbrevboth", "trunc": "t.trunc", "trim": "t.trim",
    "upper": "t.upper", "lower": "t.lower", "title": "t.title", "untitle": "t.untitle", "substr": "t.substr",
    "repeat": "t.repeat", "trimall": "t.trim_all", "trimAll": "t.trim_all", "trimSuffix": "t.trim_suffix",
    "trimPrefix": "t.trim_prefix", "nospace": "t.nospace", "initials": "t.initials", "swapcase": "t.swapcase",
    "wrap": "t.wrap", "wrapWith": "t.wrap_with", "contains": "t.contains", "hasPrefix": "t.has_prefix",
    "hasSuffix": "t.has_suffix", "quote": "t.quote", "squote": "t.squote", "cat": "t.cat", "indent": "t.indent",
    "nindent": "t.nindent", "replace": "t.replace", "plural": "t.plural", "sha1sum": "cr.sha1sum",
    "sha256sum": "cr.sha256sum", "sha512sum": "cr.sha512sum", "adler32sum": "cr.adler32sum",
    "toString": "t.to_string",

    # conversions and math
    "atoi": "m.atoi", "int64": "m.to_int64", "int": "m.to_int", "float64": "m.to_float64", "seq": "d.seq",
    "toDecimal": "m.to_decimal", "add1": "m.add1", "add": "m.add", "sub": "m.sub", "div": "m.div", "mod": "m.mod",
    "mul": "m.mul", "add1f": "m.add1f", "addf": "m.addf", "subf": "m.subf", "divf": "m.divf", "mulf": "m.mulf",
    "biggest": "m.max_", "max": "m.max_", "min": "m.min_", "maxf": "m.maxf", "minf": "m.minf", "ceil": "m.ceil",
    "floor": "m.floor", "round": "m.round_",

    # string lists
    "split": "t.split", "splitList": "t.split_list", "splitn": "t.splitn", "toStrings": "t.to_strings",
    "until": "d.until", "untilStep": "d.until_step", "join": "t.join", "sortAlpha": "t.sort_alpha",

    # defaults, flow, JSON
    "default": "d.default", "empty": "d.empty_", "coalesce": "d.coalesce", "all": "d.all_", "any": "d.any_",
    "compact": "d.compact", "mustCompact": "d.must_compact", "fromJson": "d.from_json", "toJson": "d.to_json",
    "toPrettyJson": "d.to_pretty_json", "toRawJson": "d.to_raw_json", "mustFromJson": "d.must_from_json",
    "mustToJson": "d.must_to_json", "mustToPrettyJson": "d.must_to_pretty_json",
    "mustToRawJson": "d.must_to_raw_json", "ternary": "d.ternary", "deepCopy": "d.deep_copy",
    "mustDeepCopy": "d.must_deep_copy", "fail": "d.fail",

    # reflection
    "typeOf": "d.type_of", "typeIs": "d.type_is", "typeIsLike": "d.type_is_like", "kindOf": "d.kind_of",
    "kindIs": "d.kind_is", "deepEqual": "d.deep_equal_",

    # environment (empty in the simulator)
    "env": "os.env", "expandenv": "os.expandenv",

    # paths (path/filepath behave like path on Linux)
    "base": "p.path_base", "dir": "p.path_dir", "clean": "p.path_clean_fn", "ext": "p.path_ext",
    "isAbs": "p.path_is_abs", "osBase": "p.path_base", "osClean": "p.path_clean_fn", "osDir": "p.path_dir",
    "osExt": "p.path_ext", "osIsAbs": "p.path_is_abs",

    # encoding
    "b64enc": "enc.b64enc", "b64dec": "enc.b64dec", "b32enc": "enc.b32enc", "b32dec": "enc.b32dec",

    # data structures
    "tuple": "d.list_", "list": "d.list_", "dict": "d.dict_", "get": "d.get", "set": "d.set_", "unset": "d.unset",
    "hasKey": "d.has_key", "pluck": "d.pluck", "keys": "d.keys", "pick": "d.pick", "omit": "d.omit",
    "merge": "d.merge", "mergeOverwrite": "d.merge_overwrite", "mustMerge": "d.must_merge",
    "mustMergeOverwrite": "d.must_merge_overwrite", "values": "d.values",
    "append": "d.push", "push": "d.push", "mustAppend": "d.must_push", "mustPush": "d.must_push",
    "prepend": "d.prepend", "mustPrepend": "d.must_prepend", "first": "d.first", "mustFirst": "d.must_first",
    "rest": "d.rest", "mustRest": "d.must_rest", "last": "d.last", "mustLast": "d.must_last",
    "initial": "d.initial", "mustInitial": "d.must_initial", "reverse": "d.reverse",
    "mustReverse": "d.must_reverse", "uniq": "d.uniq", "mustUniq": "d.must_uniq", "without": "d.without",
    "mustWithout": "d.must_without", "has": "d.has", "mustHas": "d.must_has", "slice": "d.slice_",
    "mustSlice": "d.must_slice", "concat": "d.concat", "dig": "d.dig", "chunk": "d.chunk",
    "mustChunk": "d.must_chunk",

    # semver
    "semver": "sv.semver", "semverCompare": "sv.semver_compare",

    # durations
    "duration": "dt.duration",

    # regular expressions
    "regexMatch": "re.regex_match", "mustRegexMatch": "re.must_regex_match", "regexFindAll": "re.regex_find_all",
    "mustRegexFindAll": "re.must_regex_find_all", "regexFind": "re.regex_find", "mustRegexFind": "re.must_regex_find",
    "regexReplaceAll": "re.regex_replace_all", "mustRegexReplaceAll": "re.must_regex_replace_all",
    "regexReplaceAllLiteral": "re.regex_replace_all_literal",
    "mustRegexReplaceAllLiteral": "re.must_regex_replace_all_literal", "regexSplit": "re.regex_split",
    "mustRegexSplit": "re.must_regex_split", "regexQuoteMeta": "re.regex_quote_meta",
}

for _why, _names in _UNSUPPORTED.items():
    for _n in _names:
        _TABLE.setdefault(_n, "unsupported:" + _why)
del _why, _names, _n


class FuncMap(Mapping):
    """Function name -> function, each imported and built when first looked up.

    A template is parsed knowing only the names; compiling it looks up the functions it calls.  Istio's
    sidecar template calls a handful of sprig's ~200 functions, and importing all the implementation
    modules up front was ~4 ms of every one-pod run."""

    def __init__(self, table):
        self._table = table
        self._made = {}

    def __getitem__(self, name):
        fn = self._made.get(name)
        if fn is None:
            where = self._table[name]
            if where.startswith("unsupported:"):
                fn = _unsupported(name, where[len("unsupported:"):])
            else:
                module, attr = where.split(".")
                fn = getattr(importlib.import_module("." + _MODULES[module], __package__), attr)
            self._made[name] = fn
        return fn

    def __contains__(self, name):
        return name in self._table

    def __iter__(self):
        return iter(self._table)

    def __len__(self):
        return len(self._table)


SPRIG_FUNCS = FuncMap(_TABLE)

"""Go standard-library behaviour the engine needs in more than one place, written once: strconv's quoting,
number formats and underscoreOK (strconv.py), regexp's syntax checks over the RE2 library (regexp.py; Go's unassigned code points, which RE2 lacks, in
unicode_cn.py), time.Duration.String
(duration.py), encoding/json's names for JSON values in its errors (jsonkind.py)."""

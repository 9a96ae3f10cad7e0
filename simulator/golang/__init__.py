"""Go standard-library behaviour the engine needs in more than one place, written once: strconv's quoting,
number formats and underscoreOK (strconv.py), regexp's RE2 syntax (regexp.py), time.Duration.String
(duration.py), encoding/json's names for JSON values in its errors (jsonkind.py)."""

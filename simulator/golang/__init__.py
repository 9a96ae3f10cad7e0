"""Go standard-library behaviour the engine needs more than once: strconv's quoting and number
formats, regexp's RE2 syntax."""

"""One module per verb (`explain` today; `status`, `snapshot`, `apply`, `watch`, `lab` next).

Each module has `add_parser(subparsers, formatter_class)` and `run(args, env) -> exit status`;
`plugin/cli.py` only builds the parser and dispatches.
"""

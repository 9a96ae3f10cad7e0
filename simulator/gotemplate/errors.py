"""The one exception type callers see, carrying Go's exact error text and its location parts."""


class TemplateError(Exception):
    """A parse or execution error; str(err) equals what Go's err.Error() prints.

    kind is "parse" or "exec"; line is 1-based; column is Go's 0-based byte column (exec errors only).
    """

    def __init__(self, message, *, name=None, line=None, column=None, kind="exec"):
        super().__init__(message)
        self.message = message
        self.name = name
        self.line = line
        self.column = column
        self.kind = kind

    def __str__(self):
        return self.message


class ParseError(TemplateError):
    def __init__(self, message, *, name=None, line=None):
        super().__init__(message, name=name, line=line, column=None, kind="parse")


class ExecError(TemplateError):
    def __init__(self, message, *, name=None, line=None, column=None):
        super().__init__(message, name=name, line=line, column=column, kind="exec")

"""Reading Kubernetes YAML as kubectl does: files, directories, `-`, multi-document streams, Lists.

Each document remembers its file, index and first line, so an error can point at it. A broken
document is reported and skipped; the others are still read.
"""
from __future__ import annotations

import io
import os
import re
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, IO, Iterator, List, Optional, Tuple

from simulator.records import Record
from simulator.depth import BEYOND, too_deep

_SEPARATOR = re.compile(r"^---(?:[ \t].*)?$", re.M)


class Document(Record):
    _fields = ("obj", "file", "index", "line", "item", "parent", "raw", "before", "after")

    def __init__(self, obj: Dict[str, Any], file: str, index: int, line: int, item: Optional[int] = None,
                 parent: Optional[Dict[str, Any]] = None, raw: Optional[str] = None, before: str = "",
                 after: str = ""):
        self.obj = obj
        self.file = file
        self.index = index  # position of the YAML document in its file (0-based)
        self.line = line  # first line of that document (1-based)
        self.item = item  # index inside a List
        self.parent = parent  # the List itself, for items (so -o pod can print it whole)
        self.raw = raw  # the document's text as kubectl's reader cuts it (-o pod prints it untouched)
        # -o pod: the object-less chunks of the stream (comments only, blank, a lone `---`) around this
        # document, each followed by `---` as istioctl kube-inject prints them back
        self.before = before
        self.after = after

    def where(self) -> str:
        item = f", item {self.item}" if self.item is not None else ""
        return f"{self.file}: document {self.index}{item}, line {self.line}"


class InputProblem(Record):
    _fields = ("file", "message", "index", "line", "field")

    def __init__(self, file: str, message: str, index: Optional[int] = None, line: Optional[int] = None,
                 field: Optional[str] = None):
        self.file = file
        self.message = message
        self.index = index
        self.line = line
        self.field = field

    def __str__(self) -> str:
        parts = []
        if self.index is not None:
            parts.append(f"document {self.index}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        loc = f"{self.file}: {', '.join(parts)}" if parts else self.file
        fld = f": field {self.field}" if self.field else ""
        return f"{loc}{fld}: {self.message}"


class Loaded(Record):
    _fields = ("documents", "problems", "texts", "lists", "offsets")

    def __init__(self, documents: Optional[List[Document]] = None, problems: Optional[List[InputProblem]] = None,
                 texts: Optional[Dict[str, str]] = None, lists: Optional[List[Any]] = None,
                 offsets: Optional[Dict[str, Tuple[int, int]]] = None):
        self.documents = documents if documents is not None else []
        self.problems = problems if problems is not None else []
        self.texts = texts if texts is not None else {}  # file -> text, for locating fields on error
        self.lists = lists if lists is not None else []  # (file, List object): a snapshot's List says what it covers
        # file -> (document index, line) where texts[file] starts: a piece of a streamed file (iter_sources)
        self.offsets = offsets if offsets is not None else {}


def yaml_loader():
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _doc_start_lines(text: str) -> List[int]:
    """1-based first line of each YAML document, from the `---` separators (blank lines and comments
    before the first one are no document of their own: it starts the first)."""
    starts = [1]
    line, at = 1, 0        # counted on from the last separator: a run of them is linear, not quadratic
    for m in _SEPARATOR.finditer(text):
        line += text.count("\n", at, m.start())
        at = m.start()
        if len(starts) == 1 and starts[0] == 1 and all(
                not l.strip() or l.lstrip().startswith("#") for l in text[:m.start()].splitlines()):
            starts = [line]
            continue
        starts.append(line)
    return starts


def iter_paths(path: str, recursive: bool = True) -> Iterator[str]:
    """The manifest files a path names: itself, or a directory's `*.yaml`, `*.yml` and `*.json` files in name
    order — its subdirectories too only when `recursive` (kubectl's `-f DIR` reads one level unless `-R`)."""
    if os.path.isdir(path):
        for root, dirs, files in os.walk(path):
            dirs.sort()
            for name in sorted(files):
                if name.endswith((".yaml", ".yml", ".json")):
                    yield os.path.join(root, name)
            if not recursive:
                break
    else:
        yield path


def read_file(file: str) -> str:
    """A file's text (open_text says which files are read)."""
    with open_text(file) as fh:
        return fh.read()


def open_text(file: str, newline: Optional[str] = None) -> IO:
    """A file opened to read as UTF-8 text.  Regular files and pipes are read (a pipe, such as bash's
    `<(helm template ...)`, to its end; a named pipe nobody writes to reads as empty instead of waiting
    forever); devices and sockets are refused (OSError): /dev/zero would never end, and a terminal would
    wait for typing (use `-f -`).  `newline`: as open()'s."""
    import stat

    mode = os.stat(file).st_mode
    if stat.S_ISREG(mode):
        return open(file, encoding="utf-8", newline=newline)
    if stat.S_ISFIFO(mode):
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK)  # opening a pipe blocks until a writer opens it
        os.set_blocking(fd, True)
        return open(fd, encoding="utf-8", newline=newline)
    what = ("a character device" if stat.S_ISCHR(mode) else "a block device" if stat.S_ISBLK(mode) else
            "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
    raise OSError(f"{what}: kubectl-inject reads files, directories, pipes and - (standard input)")


def input_files(paths: List[str], stdin: Optional[IO] = None, recursive: bool = True) -> Iterator[Tuple[str, Any]]:
    """(file, an open text file or an InputProblem) for each file the paths name, in order, each opened
    only when it is its turn, for a reader that takes a file line by line and holds none whole
    (-o kube-inject).  Files are opened with newline="\\n", so lines end only at "\\n" as Go's reader
    ends them; stdin is given as it is (the caller must not close it)."""
    import contextlib

    for path in paths:
        if path == "-":
            yield "<stdin>", contextlib.nullcontext(stdin if stdin is not None else io.StringIO(""))
            continue
        if not os.path.exists(path):
            yield path, InputProblem(path, "no such file or directory")
            continue
        for file in iter_paths(path, recursive):
            try:
                yield file, open_text(file, newline="\n")
            except OSError as e:
                yield file, InputProblem(file, f"cannot read: {e}")


def read_sources(paths: List[str], stdin: Optional[IO] = None, keep_raw: bool = False,
                 recursive: bool = True, spool: Optional[Spool] = None) -> Loaded:
    """`keep_raw`: also cut each file the way kubectl does and keep every document's text (-o pod prints
    untouched documents as written; other outputs need not pay for it). `recursive`: directories are
    read with their subdirectories (`-R`).  `spool`: the pipes already copied (Spool)."""
    loaded = Loaded()
    for path in paths:
        if path == "-":
            text = stdin.read() if stdin is not None else ""
            _parse_text(text, "<stdin>", loaded, keep_raw)
            continue
        if not os.path.exists(path):
            loaded.problems.append(InputProblem(path, "no such file or directory"))
            continue
        for file in iter_paths(path, recursive):
            try:
                if spool is not None and file in spool.copies:
                    with spool.open(file) as fh:
                        text = fh.read()
                else:
                    text = read_file(file)
            except (OSError, UnicodeDecodeError) as e:
                loaded.problems.append(InputProblem(file, f"cannot read: {e}"))
                continue
            _parse_text(text, file, loaded, keep_raw)
    return loaded


def _parse_text(text: str, file: str, loaded: Loaded, keep_raw: bool = False, first_index: int = 0,
                first_line: int = 1, consumed: bool = False) -> Tuple[int, bool]:
    """Documents are read lazily, so those before a syntax error are still explained (and, with
    `keep_raw`, keep their text, as istioctl prints the documents before the one it stops at).  `text`
    may be a piece of a file (iter_sources) starting at document `first_index`, line `first_line`;
    documents and problems carry their place in the whole file; `consumed`: its first line is the `---`
    that ended the document before it (kubectl's reader drops it).  (the number of YAML documents read,
    whether a syntax error ended the text)"""
    from simulator import yamlio

    directive = _DIRECTIVE.search(text) if text.startswith("%") or "\n%" in text else None
    if directive is not None:
        return _parse_to_directive(text, directive.start(), file, loaded, keep_raw, first_index, first_line,
                                   consumed)
    loaded.texts[file] = text
    if first_index or first_line != 1:
        loaded.offsets[file] = (first_index, first_line)
    shift = first_line - 1
    index = 0
    first = len(loaded.documents)
    objects = []   # index of every document that holds something (null documents hold nothing)
    try:
        for line, obj in yamlio.load_all_with_lines(text):
            if obj is not None:
                objects.append(first_index + index)
                _add(obj, file, first_index + index, line + shift, loaded)
            index += 1
    except yamlio.YAMLSyntaxError as e:
        starts = _doc_start_lines(text)
        doc_index = max((i for i, s in enumerate(starts) if s <= (e.line or 0)), default=index)
        loaded.problems.append(InputProblem(file, f"malformed YAML: {e.message if hasattr(e, 'message') else e}",
                                            first_index + max(doc_index, index), e.line + shift if e.line else e.line))
        if keep_raw and objects and index < len(starts):
            # the documents before the one that does not parse (the parser may notice only at the next
            # one's `---`): the text up to where that one starts
            end = 0
            for _ in range(starts[index] - 1):
                end = text.index("\n", end) + 1
            before = text[:end]
            _attach_raw_texts(before, objects, loaded.documents[first:], consumed)
        return index, True
    if keep_raw:
        _attach_raw_texts(text, objects, loaded.documents[first:], consumed)
    return index, False


_DIRECTIVE = re.compile(r"^%", re.M)
_SEPARATOR_LINE = re.compile(r"^---[ \t]*(?:#.*)?$", re.M)


def _parse_to_directive(text: str, at: int, file: str, loaded: Loaded, keep_raw: bool, first_index: int,
                        first_line: int, consumed: bool) -> Tuple[int, bool]:
    """A `%YAML`/`%TAG` directive at `at`.  kubectl's (and istioctl's) reader cuts the stream at `---` lines
    before YAML reads a piece, so a directive never reaches the document it announces: its piece fails as
    go-yaml fails it ("did not find expected <document start>") and reading stops there, as kubectl stops.
    The documents before it are read as usual."""
    from simulator import yamlio

    seps = [m for m in _SEPARATOR_LINE.finditer(text, 0, at)]
    start = seps[-1].end() + 1 if seps else 0              # the piece the directive is in
    after = _SEPARATOR_LINE.search(text, at)
    piece = text[start:after.start() if after else len(text)]
    index, ended = 0, False
    if seps:
        index, ended = _parse_text(text[:seps[-1].start()], file, loaded, keep_raw, first_index, first_line, consumed)
        if ended:
            return index, True
    loaded.texts[file] = text
    if first_index or first_line != 1:
        loaded.offsets[file] = (first_index, first_line)
    line = first_line + text.count("\n", 0, start)
    try:
        list(yamlio.load_all_with_lines(piece))
        message, where = "did not find expected <document start>", text.count("\n", start, at)
    except yamlio.YAMLSyntaxError as e:
        message, where = (e.message if hasattr(e, "message") else str(e)), (e.line or 1) - 1
    loaded.problems.append(InputProblem(file, f"malformed YAML: {message}", first_index + index, line + where))
    return index, True


#: A stream's piece (iter_sources) ends at the first `---` line after this many documents or characters
#: (summed over the files it holds): enough to keep the bulk workers busy, little to hold.
PIECE_DOCS = 512
PIECE_CHARS = 4 << 20


def iter_sources(paths: List[str], stdin: Optional[IO] = None, recursive: bool = True,
                 spool: Optional[Spool] = None, keep_raw: bool = False) -> Iterator[Loaded]:
    """The inputs as a run of `Loaded` pieces, each whole documents (of one or more files), read only as
    they are taken: a large file is never held whole, so memory does not grow with the number of objects.
    The same documents, problems, indexes and lines as read_sources; a piece's `texts[file]` is its own
    part of the file and `offsets[file]` where that starts.  A file is cut only at a `---` line, where
    the YAML reader (simulator/yamlio) itself starts a new slice, so each piece reads as it would within
    the whole; use it only where `streamable` said so (no %-directives, nothing else that reads the
    stream as one).  Small inputs come as one piece, exactly as read_sources reads them.  `keep_raw`: as
    read_sources'; a file is then cut only where kubectl's reader ends a document (streamable(raw=True)
    said it has no separator or marker that would make it cut elsewhere), and a piece holds at least one
    object, so that every document and every object-less chunk gets the text a whole read gives it."""
    piece = Loaded()
    count = size = 0
    given = False
    for part, docs, chars in _file_pieces(paths, stdin, recursive, spool, keep_raw):
        piece.documents.extend(part.documents)
        piece.problems.extend(part.problems)
        piece.texts.update(part.texts)
        piece.offsets.update(part.offsets)
        piece.lists.extend(part.lists)
        count += docs
        size += chars
        if count >= PIECE_DOCS or size >= PIECE_CHARS:
            yield piece
            piece, count, size, given = Loaded(), 0, 0, True
    if piece.texts or piece.problems or not given:
        yield piece


def _file_pieces(paths: List[str], stdin: Optional[IO], recursive: bool, spool: Optional[Spool],
                 keep_raw: bool = False):
    """(a Loaded, its YAML documents, its characters) for each run of documents of each file in turn; a
    file is cut where the run passes PIECE_DOCS or PIECE_CHARS and a `---` line comes."""
    for path in paths:
        if path == "-":
            yield from _cut(stdin if stdin is not None else (), "<stdin>", keep_raw)
            continue
        if not os.path.exists(path):
            yield Loaded(problems=[InputProblem(path, "no such file or directory")]), 0, 0
            continue
        for file in iter_paths(path, recursive):
            try:
                fh = spool.open(file) if spool is not None and file in spool.copies else open(file, encoding="utf-8")
            except OSError as e:
                yield Loaded(problems=[InputProblem(file, f"cannot read: {e}")]), 0, 0
                continue
            with fh:
                yield from _cut(fh, file, keep_raw)


def _cut(lines, file: str, keep_raw: bool = False):
    """`lines` (a text file) as pieces cut at `---` lines; parsing stops at the file's first YAML syntax
    error, as it does for the whole text.  With `keep_raw`, a cut is made only at a `---` line that ends
    the document before it in kubectl's reader (one that comes when its buffer is empty is kept in the
    next document instead), and not after a piece without any object (its chunks would have no document
    to go with)."""
    buf: List[str] = []
    size = seps = 0
    index, line = 0, 1      # where the piece being gathered starts in the file
    consumed = False        # the piece being gathered starts with a `---` that ended the document before it
    held = False            # kubectl's reader holds lines of a document (a `---` now ends it)
    wanted = PIECE_DOCS     # separators before a cut
    content = False         # the piece has a line besides separators, comments and blank ones
    try:
        for text_line in lines:
            is_separator = text_line.startswith("---")
            if ((seps >= wanted or size >= PIECE_CHARS) and _SEPARATOR.match(text_line)
                    and (not keep_raw or held)):
                if keep_raw and not content:
                    # only separators and comments so far: no object to go with, and parsing it again at
                    # every cut would make a run of empty documents quadratic
                    wanted = seps + PIECE_DOCS
                    buf.append(text_line)
                    size += len(text_line)
                    seps += 1
                    held = not held
                    continue
                piece = Loaded()
                count, failed = _parse_text("".join(buf), file, piece, keep_raw, index, line, consumed)
                if keep_raw and not failed and not piece.documents and not piece.problems:
                    wanted = seps + PIECE_DOCS      # nothing in it: it goes with the next piece
                else:
                    yield piece, count, size
                    if failed:
                        return
                    index += count
                    line += len(buf)
                    buf, size, seps, wanted, consumed, content = [], 0, 0, PIECE_DOCS, True, False
            buf.append(text_line)
            size += len(text_line)
            if is_separator:
                seps += 1
            elif not content and text_line.strip() and not text_line.lstrip().startswith("#"):
                content = True
            held = not (is_separator and held)   # a `---` ends what was held, or is held itself
    except (OSError, UnicodeDecodeError) as e:   # the file changed under us since streamable() read it
        yield Loaded(problems=[InputProblem(file, f"cannot read: {e}")]), 0, 0
        return
    piece = Loaded()
    count, _ = _parse_text("".join(buf), file, piece, keep_raw, index, line, consumed)
    yield piece, count, size


#: streamable's answers besides None (read the input whole)
PLAIN = "plain"              # no Namespace document can be in it: stream it
NAMESPACES = "namespaces"    # it may hold Namespace documents: find them first (namespace_documents), then stream


def streamable(paths: List[str], stdin: Optional[IO] = None, recursive: bool = True,
               spool: Optional[Spool] = None, raw: bool = False) -> Optional[str]:
    """Whether iter_sources may read these inputs piece by piece with the same result as reading them
    whole (PLAIN or NAMESPACES), or not (None).  A cheap scan of the bytes, before anything is explained:
    every input is a regular file, a pipe's copy (Spool) or stdin when it is a regular file (`< big.yaml`),
    of UTF-8 text with no `%` directive and no line break other than LF/CR (which make the YAML reader
    read the stream as one).  NAMESPACES: somewhere it has `Namespace`, a backslash (a double-quoted
    escape can spell the word) or `binary` (a `!!binary` value can decode to it), so a first pass must
    find its Namespace documents, which explain applies to the state before the first object
    (plugin/state/applied.py).  `raw` (-o pod, which prints documents as written): also None where a
    `---` line has more than a comment after it or a `...` line ends a document, which make kubectl's
    reader and the YAML parser cut the stream differently, so that the texts are matched to documents
    over the whole file.  A wrong None only costs memory, a wrong PLAIN would change the result: the scan
    errs wide."""
    import functools
    import stat

    found = False
    for path in paths:
        if path == "-":
            fd = _regular_stdin(stdin)
            if fd is None:
                return None
            at = os.lseek(fd, 0, os.SEEK_CUR)     # read beside the stream, which stays where it is
            seen = _scan(functools.partial(_read_at, fd, at), raw)
            if seen is None:
                return None
            found = found or seen
            continue
        if not os.path.exists(path):
            continue    # reported as a problem either way
        for file in iter_paths(path, recursive):
            name = file
            if spool is not None and file in spool.copies:
                name = spool.copies[file]
                if not isinstance(name, str):
                    return None    # held in memory (the disk was full) or unreadable: read whole
            try:
                if not stat.S_ISREG(os.stat(name).st_mode):
                    return None
                with open(name, "rb") as fh:
                    seen = _scan(lambda offset, _fh=fh: _fh.read(1 << 20), raw)
            except OSError:
                return None    # read whole, where the problem is reported as always
            if seen is None:
                return None
            found = found or seen
    return NAMESPACES if found else PLAIN


def _read_at(fd: int, start: int, offset: int) -> bytes:
    return os.pread(fd, 1 << 20, start + offset)


def _regular_stdin(stdin: Optional[IO]) -> Optional[int]:
    """stdin's descriptor when it is a regular file read as UTF-8 and nothing was taken from it yet."""
    import stat

    try:
        fd = stdin.fileno()
        if (stat.S_ISREG(os.fstat(fd).st_mode) and
                (getattr(stdin, "encoding", "") or "").lower().replace("-", "") in ("utf8", "utf8sig")):
            return fd
    except (AttributeError, OSError, ValueError):   # a test's StringIO, a closed stdin
        pass
    return None


def _scan(read, raw: bool = False) -> Optional[bool]:
    """For the bytes `read(offset)` gives, chunk after chunk: None when they are not UTF-8 or have what
    makes the YAML reader read the stream as one (with `raw`, also what streamable says); else whether
    they may spell a Namespace document."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    tail, offset = b"\n", 0
    found = False
    while True:
        chunk = read(offset)
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError:
            return None
        seam = tail + chunk[:16]       # a word cut between two chunks
        if _UNSAFE.search(text) or _UNSAFE_BYTES.search(seam):
            return None
        if raw and (re.search(_UNSAFE_RAW, chunk, re.M) or re.search(_UNSAFE_RAW, seam, re.M)):
            return None
        found = found or b"\\" in chunk or bool(_NAMESPACE_WORDS.search(chunk) or _NAMESPACE_WORDS.search(seam))
        if not chunk:
            return found
        tail, offset = chunk[-16:], offset + len(chunk)


_UNSAFE = re.compile("^%|[\x85\u2028\u2029]", re.M)
_UNSAFE_BYTES = re.compile(rb"\n%")
_NAMESPACE_WORDS = re.compile(rb"Namespace|binary")
#: A `---` line with more than blanks or a comment after it, and a `...` line (at a chunk's start too);
#: compiled on first use (re's cache), by -o pod only, not at every start.
_UNSAFE_RAW = rb"^(?:---(?![ \t\r]*(?:#|$))|\.\.\.)"


def namespace_documents(paths: List[str], stdin: Optional[IO] = None, recursive: bool = True,
                        spool: Optional[Spool] = None, spaces: Optional[set] = None) -> List[Document]:
    """The inputs' Namespace documents (List items too), each with the file, index and line read_sources
    gives it, and only those a whole read would reach (not after a file's first YAML syntax error): the
    first pass over an input streamable() called NAMESPACES.  It holds nothing else, so its memory does
    not grow with the input either.  stdin (a regular file) is read beside the stream, which stays where
    it is for the streamed pass.  `spaces`: also gets the namespace every document names (None for one
    that names none), for a live cluster's state, which is read for them."""
    from simulator.kube.objects import namespace_of

    lines: Any = ()
    if "-" in paths:
        fd = _regular_stdin(stdin)
        if fd is not None:
            lines = _lines_at(fd, os.lseek(fd, 0, os.SEEK_CUR), stdin.encoding)
    found = []
    for piece in iter_sources(paths, lines, recursive, spool):
        found.extend(d for d in piece.documents if d.obj.get("kind") == "Namespace")
        if spaces is not None:
            spaces.update(namespace_of(d.obj) for d in piece.documents)
    return found


def _lines_at(fd: int, start: int, encoding: str) -> Iterator[str]:
    """The text lines from byte `start` of a file, as iterating stdin gives them (split at "\\n" only)."""
    import codecs

    decoder = codecs.getincrementaldecoder(encoding)()
    rest, offset = "", start
    while True:
        chunk = os.pread(fd, 1 << 20, offset)
        offset += len(chunk)
        lines = (rest + decoder.decode(chunk, final=not chunk)).split("\n")
        rest = lines.pop()
        for line in lines:
            yield line + "\n"
        if not chunk:
            if rest:
                yield rest
            return


class Spool:
    """The pipes among the inputs (`-f -` from a pipe, `-f <(helm template ...)`, a FIFO in a directory),
    each read once into a private copy, so that they can be read twice as a regular file is: a first pass
    for the input's Namespaces, then the streamed pass.  Nothing of the user's is written: the copies are
    files in a directory of their own (mode 0700) under the temporary directory, removed by close().  Where
    the disk will not take a copy, it is held in memory (and the input is then read whole).

    `stdin`: the standard input to read, a copy of its text when it was a pipe; `copies`: a FIFO's name as
    the input reaches it -> its copy's path, or its bytes, or the error reading it gave."""

    def __init__(self, stdin: Optional[IO]):
        self.stdin = stdin
        self.copies: Dict[str, Any] = {}
        self.dir: Optional[str] = None
        self._stdin_copy: Optional[IO] = None

    @classmethod
    def of(cls, paths: List[str], stdin: Optional[IO], recursive: bool = True) -> Spool:
        spool = cls(stdin)
        order: List[str] = []     # the inputs in the order they are read: "-" and FIFOs
        for path in paths:
            if path == "-":
                order.append(path)
            elif os.path.exists(path):
                order.extend(file for file in iter_paths(path, recursive) if _is_fifo(file))
        try:
            for file in order:
                if file == "-":
                    if spool._stdin_copy is None and _is_pipe(stdin):
                        spool.stdin = spool._stdin_copy = spool._copy_stdin(stdin)
                    continue
                if order.count(file) > 1:
                    continue   # read again after its end, it gives what a second writer writes: left to read_file
                try:
                    spool.copies[file] = spool._copy_fifo(file)
                except OSError:
                    pass    # not opened: read_file tries again and reports it
        except BaseException:
            spool.close()
            raise
        return spool

    def open(self, file: str) -> IO:
        """A FIFO's copy as a text file, read as read_file reads the FIFO itself."""
        import io

        copy = self.copies[file]
        if isinstance(copy, Exception):
            raise copy
        if isinstance(copy, bytes):
            return io.TextIOWrapper(io.BytesIO(copy), encoding="utf-8")
        return open(copy, encoding="utf-8")

    def close(self) -> None:
        if self._stdin_copy is not None:
            self._stdin_copy.close()
        if self.dir is not None:
            import shutil      # only when there is a copy: shutil (with bz2 and lzma) is ~2 ms of start-up

            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def _copy_stdin(self, stdin: IO) -> IO:
        """stdin's text (as stdin decodes it) into a copy: UTF-8, lone surrogates passed through, no newline
        translation either way, so reading the copy gives the text reading stdin would have given."""
        import io

        got = self._fill(lambda: stdin.read(1 << 18).encode("utf-8", "surrogatepass"))
        if isinstance(got, bytes):
            return io.StringIO(got.decode("utf-8", "surrogatepass"), newline="\n")
        return open(got, encoding="utf-8", errors="surrogatepass", newline="\n")

    def _copy_fifo(self, file: str) -> Any:
        """The FIFO's bytes into a copy (opened as read_file opens it: a FIFO nobody writes to reads as
        empty), or the error reading it gave (reported where a read of the FIFO would be); an error
        opening it is raised."""
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK)
        try:
            os.set_blocking(fd, True)
            return self._fill(lambda: os.read(fd, 1 << 20))
        except OSError as e:
            return e
        finally:
            os.close(fd)

    def _fill(self, read) -> Any:
        """A new copy of what `read()` gives until it gives nothing: its path, or its bytes when the copy
        could not be written (what was written is read back: nothing is lost).  A read error is raised."""
        import tempfile

        held: List[bytes] = []
        try:
            if self.dir is None:
                self.dir = tempfile.mkdtemp(prefix="kubectl-inject-spool-")
            path = os.path.join(self.dir, str(len(os.listdir(self.dir))))
            out = open(path, "wb", buffering=0)
        except OSError:
            out = None
        if out is not None:
            with out:
                written = 0
                while True:
                    chunk = read()
                    if not chunk:
                        return path
                    view = memoryview(chunk)
                    try:
                        while view:
                            n = out.write(view)
                            written += n
                            view = view[n:]
                    except OSError:     # a full disk
                        held = [_read_head(path, written), bytes(view)]
                        break
        while True:
            more = read()
            if not more:
                return b"".join(held)
            held.append(more)


def _read_head(path: str, size: int) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(size)


def _is_pipe(stdin: Optional[IO]) -> bool:
    import stat

    try:
        mode = os.fstat(stdin.fileno()).st_mode
    except (AttributeError, OSError, ValueError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def _is_fifo(file: str) -> bool:
    import stat

    try:
        return stat.S_ISFIFO(os.stat(file).st_mode)
    except OSError:
        return False


class Streamed:
    """An input read as it is explained: its pieces (iter_sources), its Namespace documents (found by a
    first pass), the namespaces its documents name (when asked for: read_streamable), and the pipes'
    copies, removed by close() (also once the pieces have all been taken)."""

    def __init__(self, pieces: Iterator[Loaded], namespaces: List[Document], spool: Spool,
                 spaces: Optional[set] = None):
        self.pieces = pieces
        self.namespaces = namespaces
        self.spool = spool
        self.spaces = spaces

    def __iter__(self) -> Iterator[Loaded]:
        try:
            yield from self.pieces
        finally:
            self.close()

    def close(self) -> None:
        self.spool.close()


def read_streamable(paths: List[str], stdin: Optional[IO] = None, recursive: bool = True,
                    spaces: bool = False, keep_raw: bool = False) -> Any:
    """The input of an output written piece by piece (explain -o json, text, patch, pod): a Streamed when it
    reads the same piece by piece (streamable), else a Loaded read whole.  Pipes are copied first
    (Spool), so that they can be scanned, searched for Namespaces, then streamed.  `spaces`: the
    Streamed also tells the namespaces its documents name (Streamed.spaces; a first pass then always
    runs).  `keep_raw`: as read_sources' (-o pod)."""
    spool = Spool.of(paths, stdin, recursive)
    streamed = None
    try:
        how = streamable(paths, spool.stdin, recursive, spool, raw=keep_raw)
        if how is None:
            return read_sources(paths, spool.stdin, keep_raw=keep_raw, recursive=recursive, spool=spool)
        named: Optional[set] = set() if spaces else None
        namespaces = (namespace_documents(paths, spool.stdin, recursive, spool, named)
                      if how == NAMESPACES or spaces else [])
        streamed = Streamed(iter_sources(paths, spool.stdin, recursive, spool, keep_raw), namespaces, spool, named)
        return streamed
    finally:
        if streamed is None:
            spool.close()


def _attach_raw_texts(text: str, objects: List[int], documents: List[Document], consumed: bool = False) -> None:
    """Each document's own text as kubectl's (and istioctl's) reader cuts the stream, and the chunks that
    hold no object (a licence header, a lone `---`, blank lines) beside the documents they precede, so
    that -o pod prints them back as istioctl kube-inject does.  `objects`: the index of every non-null
    YAML document; when the reader's chunks holding an object do not pair up with them one for one,
    nothing is attached (the documents are then printed re-encoded).  `consumed`: see _parse_text."""
    from simulator import yamlio
    from simulator.yamlio.reader import SeparatorError, split_documents

    if consumed:
        text = text[text.find("\n") + 1:] if "\n" in text else ""
    try:
        raws = split_documents(text)
        holds = [_has_content(raw) for raw in raws]
        if sum(holds) != len(objects):   # a chunk of only `null`, `~`, `...`: ask the parser
            holds = [yamlio.load(raw) is not None for raw in raws]
    except (SeparatorError, yamlio.YAMLSyntaxError):
        return
    if sum(holds) != len(objects) or not documents:
        return
    own: Dict[int, str] = {}       # YAML document index -> its chunk
    before: Dict[int, str] = {}    # YAML document index -> object-less chunks just before it
    pending: List[str] = []
    k = 0
    for raw, held in zip(raws, holds):
        if not held:
            pending.append(raw + "---\n")
            continue
        own[objects[k]] = raw
        before[objects[k]] = "".join(pending)
        pending = []
        k += 1
    # A document left out (a problem reported) takes nothing with it: the chunks before it go with the next.
    seen = set()
    position = 0   # into `objects`
    for doc in documents:
        if doc.item is not None:     # a List's item carries the List's text (printed whole when untouched)
            doc.raw = own[doc.index]
        if doc.index in seen:
            continue
        seen.add(doc.index)
        if doc.item is None:
            doc.raw = own[doc.index]
        chunks = []
        while position < len(objects) and objects[position] <= doc.index:
            chunks.append(before[objects[position]])
            position += 1
        doc.before = "".join(chunks)
    documents[-1].after = "".join(pending)


def _has_content(chunk: str) -> bool:
    """Whether a chunk has a line other than blanks, comments and its leading `---` (cheaper than parsing)."""
    for line in chunk.split("\n"):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not (line.startswith("---") and
                                                              (stripped == "---" or stripped[3:].lstrip().startswith("#"))):
            return True
    return False


def _add(obj: Any, file: str, index: int, line: int, loaded: Loaded) -> None:
    if not isinstance(obj, dict):
        loaded.problems.append(InputProblem(file, f"not a Kubernetes object (a {type(obj).__name__}, expected a mapping)", index, line))
        return
    deep = too_deep(obj)
    if deep is not None:
        loaded.problems.append(InputProblem(file, BEYOND, index, line, deep))
        return
    kind = obj.get("kind")
    if not kind or not isinstance(kind, str):
        loaded.problems.append(InputProblem(file, "missing kind", index, line, "kind"))
        return
    if kind == "List" or (kind.endswith("List") and isinstance(obj.get("items"), list)):
        items = obj.get("items")
        if items is not None and not isinstance(items, list):
            loaded.problems.append(InputProblem(file, f"a List's items must be a list, not a {json_type(items)}",
                                                index, line, "items"))
            return
        nested = next((i for i, item in enumerate(items or []) if isinstance(item, dict)
                       and item.get("kind") == "List"), None)
        if nested is not None:
            # kubectl (1.32, against a real kube-apiserver) creates nothing of such a List
            loaded.problems.append(InputProblem(
                file, "a List inside a List, which kubectl refuses (*unstructured.Unstructured is not a list: no "
                      "Items field in this object), so none of its items is created", index, line,
                f"items[{nested}]"))
            return
        loaded.lists.append((file, obj))
        if not items:      # nothing to explain, but a document all the same (-o pod prints it, as istioctl)
            loaded.documents.append(Document(obj, file, index, line))
            return
        for i, item in enumerate(items or []):
            if not isinstance(item, dict) or not item.get("kind"):
                loaded.problems.append(InputProblem(file, "List item is not a Kubernetes object with a kind", index, line, f"items[{i}]"))
                continue
            loaded.documents.append(Document(item, file, index, line, i, obj))
        return
    loaded.documents.append(Document(obj, file, index, line))


def json_type(v: Any) -> str:
    """The JSON name of a value's type, as messages about a field of the wrong type say it."""
    return {dict: "mapping", str: "string", bool: "boolean", int: "number", float: "number"}.get(type(v), "null" if v is None else type(v).__name__)


def locate(text: str, index: int, field_path: str, item: Optional[int] = None) -> Optional[int]:
    """Line (1-based) of `field_path` (e.g. `spec.template.spec.containers[0]`) in document `index`."""
    import yaml

    try:
        nodes = list(yaml.compose_all(text, Loader=yaml_loader()))
    except yaml.YAMLError:
        return None
    docs = [n for n in nodes]
    if index >= len(docs) or docs[index] is None:
        return None
    node = docs[index]
    path: List[Any] = []
    if item is not None:
        path += ["items", item]
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", field_path):
        path.append(int(part[1:-1]) if part.startswith("[") else part)
    last = node.start_mark.line + 1
    for key in path:
        if isinstance(node, yaml.MappingNode) and isinstance(key, str):
            found = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
            if found is None:
                return last
            last = next(k for k, v in node.value if getattr(k, "value", None) == key).start_mark.line + 1
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            last = node.start_mark.line + 1
        else:
            return last
    return last

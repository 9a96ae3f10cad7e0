"""Sprig's digests (crypto.go): sha1sum, sha256sum, sha512sum, adler32sum."""

import zlib

from ..gotemplate.funcs import gofunc
from .conv import to_bytes


def _hex_digest(algo):
    @gofunc("string", returns="string", name=algo + "sum")
    def f(s):
        import hashlib   # OpenSSL's start-up is a few ms: paid only by templates that hash

        return hashlib.new(algo, to_bytes(s)).hexdigest()
    return f


sha1sum = _hex_digest("sha1")
sha256sum = _hex_digest("sha256")
sha512sum = _hex_digest("sha512")


@gofunc("string", returns="string")
def adler32sum(s):
    return str(zlib.adler32(to_bytes(s)) & 0xFFFFFFFF)

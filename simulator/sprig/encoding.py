"""Sprig's b64enc/b64dec/b32enc/b32dec, with Go's encoding/base64 and encoding/base32 decoders.

Go's decoders are reproduced (not Python's) because a decoding error is part of the output: sprig returns
Go's error text in place of the decoded string.
"""

from ..gotemplate.funcs import gofunc
from .conv import from_bytes, to_bytes


_B64 = {c: i for i, c in enumerate(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


def _b64_quantum(src, si, out):
    """One step of Go's base64 decodeQuantum: returns (new si, error offset or None)."""
    dbuf = [0, 0, 0, 0]
    dlen = 4
    j = 0
    while j < 4:
        if len(src) == si:
            if j == 0:
                return si, None, True
            return si, si - j, False
        c = src[si]
        si += 1
        v = _B64.get(c)
        if v is not None:
            dbuf[j] = v
            j += 1
            continue
        if c in (0x0A, 0x0D):
            continue
        if c != 0x3D:
            return si, si - 1, False
        if j in (0, 1):
            return si, si - 1, False
        if j == 2:
            while si < len(src) and src[si] in (0x0A, 0x0D):
                si += 1
            if si == len(src):
                return si, len(src), False
            if src[si] != 0x3D:
                return si, si - 1, False
            si += 1
        while si < len(src) and src[si] in (0x0A, 0x0D):
            si += 1
        err = si if si < len(src) else None
        dlen = j
        break
    else:
        err = None
    val = dbuf[0] << 18 | dbuf[1] << 12 | dbuf[2] << 6 | dbuf[3]
    b = [(val >> 16) & 0xFF, (val >> 8) & 0xFF, val & 0xFF]
    if dlen == 4:
        out += bytes(b)
    elif dlen == 3:
        out += bytes(b[:2])
    elif dlen == 2:
        out += bytes(b[:1])
    return si, err, False


def go_b64decode(s):
    """base64.StdEncoding.DecodeString: (bytes, error text or None)."""
    src = to_bytes(s)
    out = bytearray()
    si = 0
    while si < len(src):
        si, err, done = _b64_quantum(src, si, out)
        if err is not None:
            return bytes(out), "illegal base64 data at input byte %d" % err
        if done:
            break
    return bytes(out), None


@gofunc("string", returns="string")
def b64enc(s):
    import base64

    return base64.b64encode(to_bytes(s)).decode("ascii")


@gofunc("string", returns="string")
def b64dec(s):
    data, err = go_b64decode(s)
    return err if err is not None else from_bytes(data)


@gofunc("string", returns="string")
def b32enc(s):
    import base64

    return base64.b32encode(to_bytes(s)).decode("ascii")


_B32 = {c: i for i, c in enumerate(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}


def go_b32decode(s):
    """base32.StdEncoding.DecodeString: (bytes, error text or None)."""
    src = bytes(c for c in to_bytes(s) if c not in (0x0A, 0x0D))
    olen = len(src)
    out = bytearray()
    pos = 0
    end = False

    def err(off):
        return bytes(out), "illegal base32 data at input byte %d" % off

    while pos < olen and not end:
        dbuf = [0] * 8
        dlen = 8
        j = 0
        while j < 8:
            rem = olen - pos
            if rem == 0:
                return err(olen - rem - j)
            c = src[pos]
            pos += 1
            rem = olen - pos
            if c == 0x3D and j >= 2 and rem < 8:
                if rem + j < 7:
                    return err(olen)
                for k in range(7 - j):
                    if rem > k and src[pos + k] != 0x3D:
                        return err(olen - rem + k - 1)
                dlen, end = j, True
                if dlen in (1, 3, 6):
                    return err(olen - rem - 1)
                break
            v = _B32.get(c)
            if v is None:
                return err(olen - rem - 1)
            dbuf[j] = v
            j += 1
        q = [(dbuf[0] << 3 | dbuf[1] >> 2) & 0xFF, (dbuf[1] << 6 | dbuf[2] << 1 | dbuf[3] >> 4) & 0xFF,
             (dbuf[3] << 4 | dbuf[4] >> 1) & 0xFF, (dbuf[4] << 7 | dbuf[5] << 2 | dbuf[6] >> 3) & 0xFF,
             (dbuf[6] << 5 | dbuf[7]) & 0xFF]
        take = {8: 5, 7: 4, 5: 3, 4: 2, 2: 1}.get(dlen, 0)
        out += bytes(q[:take])
    return bytes(out), None


@gofunc("string", returns="string")
def b32dec(s):
    data, e = go_b32decode(s)
    return e if e is not None else from_bytes(data)

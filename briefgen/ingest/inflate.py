"""Undoing a response's Content-Encoding, a bounded piece at a time, whatever the encoding.

httpx would unpack each network chunk whole, and 64 KB of a bomb is 64 MB; stacked
encodings (`gzip, gzip`) multiply that. So the fetcher reads raw bytes and unpacks them
here: every layer gives out at most `PIECE` bytes per step, and no layer may give out more
than the response cap in all, so memory stays bounded whatever the sender packed.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from typing import Protocol

try:  # Brotli comes with WeasyPrint's fonttools; only 1.2+ can bound its output.
    import brotli
except ImportError:  # pragma: no cover - depends on the installation
    brotli = None



class InflateError(Exception):
    """A body that cannot be unpacked, or not within the cap; the message says why in words."""

def human_size(size: float) -> str:
    """12582912 -> '12 MB'; sizes in binary units, as `feeds.max_size` reads them."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{int(size)} bytes"


# The most one layer hands on in one step.
PIECE = 64 * 1024
# The encodings undone with zlib, and its window bits for each.
ZLIB_ENCODINGS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}
# Nothing to undo.
IDENTITY = {"", "identity"}
# Compression briefgen knows of but does not unpack (no bounded decoder): such a response fails.
REFUSED = {"zstd", "compress", "x-compress"}


def brotli_bounded() -> bool:
    """Whether the installed Brotli can stop after a given amount of output (1.2 and later)."""
    return brotli is not None and "output_buffer_limit" in (brotli.Decompressor.process.__doc__ or "")


def accepted() -> str:
    """The Accept-Encoding header: only what `Unpacker` undoes under the cap."""
    return "gzip, deflate, br" if brotli_bounded() else "gzip, deflate"


class Layer(Protocol):
    def feed(self, data: bytes, room: int) -> Iterator[bytes]: ...

    def flush(self, room: int) -> Iterator[bytes]: ...


class Inflater:
    """gzip or deflate, decompressed `room` bytes at a time, however much the input would make."""

    def __init__(self, encoding: str):
        self.wbits = ZLIB_ENCODINGS[encoding]
        self.deflate = encoding == "deflate"
        self._z = zlib.decompressobj(self.wbits)
        self._started = False

    def feed(self, data: bytes, room: int) -> Iterator[bytes]:
        try:
            if not self._started and data:
                self._started = True
                try:
                    out = self._z.decompress(data, room)
                except zlib.error:
                    if not self.deflate:
                        raise
                    # "deflate" in the wild is as often raw deflate as the zlib format.
                    self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                    out = self._z.decompress(data, room)
            else:
                out = self._z.decompress(data, room)
            yield out
            while self._z.unconsumed_tail:
                yield self._z.decompress(self._z.unconsumed_tail, room)
        except zlib.error:
            raise InflateError("could not decompress the response") from None

    def flush(self, room: int) -> Iterator[bytes]:
        try:
            yield self._z.flush(room) if room > 0 else b""
        except zlib.error:
            raise InflateError("could not decompress the response") from None


class BrotliInflater:
    """br, decompressed about `room` bytes at a time (Brotli's own output limit)."""

    def __init__(self) -> None:
        assert brotli is not None
        self._d = brotli.Decompressor()

    def feed(self, data: bytes, room: int) -> Iterator[bytes]:
        try:
            yield self._d.process(data, output_buffer_limit=room)
            # Until it takes input again, the decompressor holds output it could not give.
            while not self._d.can_accept_more_data():
                yield self._d.process(b"", output_buffer_limit=room)
        except brotli.error:
            raise InflateError("could not decompress the response") from None

    def flush(self, room: int) -> Iterator[bytes]:
        return iter(())


def layer(encoding: str) -> Layer | None:
    """The decoder for one Content-Encoding token; None for identity; InflateError for one not undone."""
    if encoding in ZLIB_ENCODINGS:
        return Inflater(encoding)
    if encoding == "br" and brotli_bounded():
        return BrotliInflater()
    if encoding == "br" or encoding in REFUSED:
        raise InflateError(f"unsupported Content-Encoding: {encoding}")
    # An unknown token (a misconfigured "utf-8"): the body as sent, as httpx reads it.
    return None


class Unpacker:
    """A response body through every layer of its Content-Encoding (the last applied undone
    first), no layer giving out more than `limit` bytes in all or `PIECE` bytes at once."""

    def __init__(self, header: str, limit: int):
        names = [token.strip().lower() for token in header.split(",")]
        self.layers = [d for d in (layer(n) for n in reversed(names) if n not in IDENTITY) if d is not None]
        self.limit = limit
        self.sizes = [0] * len(self.layers)

    def feed(self, data: bytes) -> Iterator[bytes]:
        return self._through(0, (data,))

    def flush(self) -> Iterator[bytes]:
        for i, step in enumerate(self.layers):
            yield from self._through(i + 1, self._counted(i, step.flush(PIECE)))

    def _counted(self, i: int, pieces: Iterable[bytes]) -> Iterator[bytes]:
        for piece in pieces:
            self.sizes[i] += len(piece)
            if self.sizes[i] > self.limit:
                raise InflateError(f"too large: over {human_size(self.limit)}")
            if piece:
                yield piece

    def _through(self, i: int, pieces: Iterable[bytes]) -> Iterator[bytes]:
        if i == len(self.layers):
            yield from pieces
            return
        step = self.layers[i]
        for piece in pieces:
            yield from self._through(i + 1, self._counted(i, step.feed(piece, PIECE)))

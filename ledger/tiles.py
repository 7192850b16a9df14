"""c2sp.org/tlog-tiles: tile and entry-bundle paths, and the bytes of hash tiles.

The public log can be exported as static files any web server or CDN serves;
these helpers decide the file names and contents. Tiles are height 8: a tile at
level ``L`` holds up to 256 hashes of complete subtrees of ``256**L`` leaves,
which are exactly the Merkle nodes at level ``8 * L`` of the node accessor in
:mod:`ledger.merkle`, so tiles are read straight from a stored tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ledger.merkle import HASH_SIZE, MemoryTree, NodeGetter

__all__ = [
    "TILE_HEIGHT",
    "TILE_WIDTH",
    "TileError",
    "TileRef",
    "decode_entry_bundle",
    "encode_entry_bundle",
    "entry_bundle_path",
    "entry_bundles_for_size",
    "hash_tiles",
    "hash_tiles_from_leaves",
    "parse_tile_path",
    "tile_bytes",
    "tile_index_path",
    "tile_path",
    "tiles_for_size",
]

TILE_HEIGHT = 8
"""Levels of the Merkle tree covered by one tile."""
TILE_WIDTH = 1 << TILE_HEIGHT
"""Hashes in a full tile (256, i.e. 8,192 bytes)."""
_MAX_LEVEL = 63
_MAX_ENTRY = 0xFFFF

_INDEX_PATH = re.compile(r"(?:x[0-9]{3}/)*[0-9]{3}")
_TILE_PATH = re.compile(r"tile/(entries|0|[1-9][0-9]?)/((?:x[0-9]{3}/)*[0-9]{3})(?:\.p/([0-9]+))?")


class TileError(ValueError):
    """A tile path or entry bundle is malformed."""


@dataclass(frozen=True, order=True)
class TileRef:
    """One tile: ``level`` (None for an entry bundle), ``index``, ``width`` (1..256)."""

    level: int | None
    index: int
    width: int = TILE_WIDTH

    @property
    def is_partial(self) -> bool:
        return self.width < TILE_WIDTH

    def path(self) -> str:
        """The tile's path below the log's prefix."""
        if self.level is None:
            return entry_bundle_path(self.index, self.width)
        return tile_path(self.level, self.index, self.width)


def _check_int(name: str, value: int, low: int, high: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < low or (high is not None and value > high):
        raise ValueError(f"{name} out of range: {value}")


def tile_index_path(index: int) -> str:
    """``<N>`` as zero-padded 3-digit elements, all but the last prefixed ``x``.

    1234067 becomes ``x001/x234/067``; 5 becomes ``005``. This keeps files and
    directories from colliding on a plain file system.
    """
    _check_int("tile index", index, 0)
    groups = [f"{index % 1000:03d}"]
    index //= 1000
    while index:
        groups.append(f"x{index % 1000:03d}")
        index //= 1000
    return "/".join(reversed(groups))


def _suffix(width: int) -> str:
    _check_int("tile width", width, 1, TILE_WIDTH)
    return "" if width == TILE_WIDTH else f".p/{width}"


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """``tile/<L>/<N>[.p/<W>]`` for the hash tile at ``level``, ``index``, ``width``."""
    _check_int("tile level", level, 0, _MAX_LEVEL)
    return f"tile/{level}/{tile_index_path(index)}{_suffix(width)}"


def entry_bundle_path(index: int, width: int = TILE_WIDTH) -> str:
    """``tile/entries/<N>[.p/<W>]`` for the entry bundle ``index``."""
    return f"tile/entries/{tile_index_path(index)}{_suffix(width)}"


def parse_tile_path(path: str) -> TileRef:
    """The inverse of :func:`tile_path` and :func:`entry_bundle_path`, strictly."""
    m = _TILE_PATH.fullmatch(path)
    if m is None:
        raise TileError(f"not a tile path: {path!r}")
    level_text, index_text, width_text = m.groups()
    level = None if level_text == "entries" else int(level_text)
    if level is not None and level > _MAX_LEVEL:
        raise TileError(f"tile level out of range: {path!r}")
    index = int(index_text.replace("x", "").replace("/", ""))
    width = TILE_WIDTH
    if width_text is not None:
        if not re.fullmatch(r"[1-9][0-9]*", width_text) or int(width_text) >= TILE_WIDTH:
            raise TileError(f"partial tile width must be 1..255: {path!r}")
        width = int(width_text)
    ref = TileRef(level, index, width)
    if ref.path() != path:  # e.g. a redundant leading x000 group
        raise TileError(f"non-canonical tile path: {path!r}")
    return ref


def tiles_for_size(size: int, since: int = 0) -> list[TileRef]:
    """Every hash tile (full and partial) of a tree of ``size`` leaves, level by level.

    With ``since`` (an earlier size), only the tiles that did not exist at that
    size: what an exporter must write when the log grows from ``since`` to ``size``.
    """
    _check_int("size", size, 0)
    _check_int("since", since, 0, size)
    refs: list[TileRef] = []
    level = 0
    while size >> (TILE_HEIGHT * level):
        hashes = size >> (TILE_HEIGHT * level)  # complete nodes at this tile level
        old_hashes = since >> (TILE_HEIGHT * level)
        old_full = old_hashes // TILE_WIDTH
        full, partial = divmod(hashes, TILE_WIDTH)
        refs.extend(TileRef(level, n) for n in range(old_full, full))
        if partial and (full, partial) != divmod(old_hashes, TILE_WIDTH):
            refs.append(TileRef(level, full, partial))
        level += 1
    return refs


def entry_bundles_for_size(size: int, since: int = 0) -> list[TileRef]:
    """The entry bundles of a log of ``size`` entries (or those new since ``since``)."""
    return [
        TileRef(None, ref.index, ref.width)
        for ref in tiles_for_size(size, since)
        if ref.level == 0
    ]


def tile_bytes(level: int, index: int, width: int, get_node: NodeGetter) -> bytes:
    """Contents of hash tile (``level``, ``index``, ``width``): ``width`` 32-byte hashes.

    Hash ``i`` is the complete Merkle node at tree level ``8 * level`` and
    position ``index * 256 + i``, read from ``get_node``.
    """
    _check_int("tile level", level, 0, _MAX_LEVEL)
    _check_int("tile index", index, 0)
    _check_int("tile width", width, 1, TILE_WIDTH)
    first = index * TILE_WIDTH
    out = b"".join(get_node(TILE_HEIGHT * level, first + i) for i in range(width))
    if len(out) != width * HASH_SIZE:
        raise TileError(f"node accessor returned hashes of the wrong size for tile {level}/{index}")
    return out


def hash_tiles(size: int, get_node: NodeGetter, since: int = 0) -> Iterator[tuple[str, bytes]]:
    """``(path, bytes)`` of every tile of the tree of ``size`` leaves (or new since ``since``)."""
    for ref in tiles_for_size(size, since):
        assert ref.level is not None
        yield ref.path(), tile_bytes(ref.level, ref.index, ref.width, get_node)


def hash_tiles_from_leaves(leaf_hashes: Sequence[bytes]) -> dict[str, bytes]:
    """All tiles of the tree of these leaf hashes, by path (for tests and small logs)."""
    tree = MemoryTree(leaf_hashes)
    return dict(hash_tiles(tree.size, tree.get_node))


def encode_entry_bundle(entries: Sequence[bytes]) -> bytes:
    """An entry bundle: each entry as big-endian uint16 length, then its bytes."""
    if not 1 <= len(entries) <= TILE_WIDTH:
        raise TileError(f"an entry bundle holds 1..256 entries, not {len(entries)}")
    parts: list[bytes] = []
    for i, entry in enumerate(entries):
        if len(entry) > _MAX_ENTRY:
            raise TileError(f"entry {i} is {len(entry)} bytes; a bundle entry is at most 65535")
        parts.append(len(entry).to_bytes(2, "big"))
        parts.append(bytes(entry))
    return b"".join(parts)


def decode_entry_bundle(data: bytes) -> list[bytes]:
    """The entries of a bundle; refuses truncated data and more than 256 entries."""
    entries: list[bytes] = []
    pos = 0
    while pos < len(data):
        if pos + 2 > len(data):
            raise TileError("entry bundle ends inside a length prefix")
        length = int.from_bytes(data[pos : pos + 2], "big")
        pos += 2
        if pos + length > len(data):
            raise TileError("entry bundle ends inside an entry")
        entries.append(bytes(data[pos : pos + length]))
        pos += length
        if len(entries) > TILE_WIDTH:
            raise TileError("entry bundle holds more than 256 entries")
    return entries

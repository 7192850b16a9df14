"""c2sp.org/tlog-tiles paths and tile contents (ledger.tiles)."""

from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import merkle, tiles
from tests.helpers.examples import scaled

FAST = settings(max_examples=scaled(200), deadline=None)


def test_index_paths_follow_the_spec() -> None:
    assert tiles.tile_index_path(1234067) == "x001/x234/067"
    assert tiles.tile_index_path(0) == "000"
    assert tiles.tile_index_path(999) == "999"
    assert tiles.tile_index_path(1000) == "x001/000"
    assert tiles.tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert tiles.tile_path(2, 5, 17) == "tile/2/005.p/17"
    assert tiles.entry_bundle_path(1000) == "tile/entries/x001/000"
    assert tiles.entry_bundle_path(3, 255) == "tile/entries/003.p/255"
    for bad in [(-1, 0, 256), (64, 0, 256), (0, -1, 256), (0, 0, 0), (0, 0, 257)]:
        with pytest.raises(ValueError):
            tiles.tile_path(*bad)


@FAST
@given(
    level=st.one_of(st.none(), st.integers(0, 63)),
    index=st.integers(0, 10**12),
    width=st.integers(1, 256),
)
def test_paths_parse_back(level: int | None, index: int, width: int) -> None:
    ref = tiles.TileRef(level, index, width)
    assert tiles.parse_tile_path(ref.path()) == ref


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/1",
        "tile/0/x000/001",
        "tile/0/001/",
        "tile/01/000",
        "tile/64/000",
        "tile/0/000.p/256",
        "tile/0/000.p/0",
        "tile/0/000.p/07",
        "tile/0/000.p/",
        "tile/entries/x1/000",
        "/tile/0/000",
        "tile/-1/000",
    ],
)
def test_bad_paths(path: str) -> None:
    with pytest.raises(tiles.TileError):
        tiles.parse_tile_path(path)


def test_tiles_of_the_spec_examples() -> None:
    refs = tiles.tiles_for_size(70_000)
    assert [r for r in refs if r.level == 0 and not r.is_partial] == [
        tiles.TileRef(0, n) for n in range(273)
    ]
    assert [r for r in refs if r.is_partial or r.level != 0] == [
        tiles.TileRef(0, 273, 112),
        tiles.TileRef(1, 0),
        tiles.TileRef(1, 1, 17),
        tiles.TileRef(2, 0, 1),
    ]
    assert tiles.tiles_for_size(256) == [tiles.TileRef(0, 0), tiles.TileRef(1, 0, 1)]
    assert tiles.tiles_for_size(0) == []
    assert tiles.entry_bundles_for_size(300) == [tiles.TileRef(None, 0), tiles.TileRef(None, 1, 44)]


@FAST
@given(old=st.integers(0, 200_000), grow=st.integers(0, 200_000))
def test_incremental_tiles(old: int, grow: int) -> None:
    new = old + grow
    before = set(tiles.tiles_for_size(old))
    added = tiles.tiles_for_size(new, since=old)
    assert not before & set(added)
    assert set(tiles.tiles_for_size(new)) <= before | set(added)


SIZE = 256 * 256 + 3 * 256 + 5  # full and partial tiles on three levels


@functools.cache
def _big() -> tuple[list[bytes], merkle.MemoryTree]:
    """The leaves and tree of ``SIZE``, built on first use rather than at collection (which every
    xdist worker does)."""
    leaves = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(SIZE)]
    return leaves, merkle.MemoryTree(leaves)


def test_tile_contents_are_the_subtree_hashes() -> None:
    leaves, tree = _big()
    found = dict(tiles.hash_tiles(SIZE, tree.get_node))
    assert set(found) == {r.path() for r in tiles.tiles_for_size(SIZE)}
    assert found["tile/0/000"] == b"".join(leaves[:256])
    assert found["tile/0/259.p/5"] == b"".join(leaves[256 * 259 :])
    level1 = found["tile/1/000"]
    assert len(level1) == 8192
    for i in (0, 1, 100, 255):
        want = merkle.root(leaves[i * 256 : (i + 1) * 256])
        assert level1[i * 32 : (i + 1) * 32] == want
        # ... which is also the root of the level-0 tile below it.
        assert merkle.root(_hashes(found[f"tile/0/{i:03d}"])) == want
    assert found["tile/1/001.p/3"] == b"".join(
        merkle.root(leaves[i * 256 : (i + 1) * 256]) for i in range(256, 259)
    )
    assert found["tile/2/000.p/1"] == merkle.root(leaves[: 256 * 256])


def test_root_can_be_rebuilt_from_tiles() -> None:
    """A client holding only the tiles recomputes the checkpoint's root."""
    _, tree = _big()
    found = dict(tiles.hash_tiles(SIZE, tree.get_node))

    def get_node(level: int, index: int) -> bytes:
        tile_level, rest = divmod(level, tiles.TILE_HEIGHT)
        width = 1 << rest
        hashes = [
            _tile_hash(found, tile_level, index * width + k) for k in range(width)
        ]
        return merkle.root(hashes)

    assert merkle.root_at(SIZE, get_node) == tree.root()
    assert merkle.inclusion_proof(12345, SIZE, get_node) == tree.inclusion_proof(12345)


def _hashes(tile: bytes) -> list[bytes]:
    return [tile[i : i + 32] for i in range(0, len(tile), 32)]


def _tile_hash(found: dict[str, bytes], level: int, position: int) -> bytes:
    n, i = divmod(position, tiles.TILE_WIDTH)
    for path in found:
        ref = tiles.parse_tile_path(path)
        if ref.level == level and ref.index == n and i < ref.width:
            return found[path][i * 32 : (i + 1) * 32]
    raise KeyError((level, position))


def test_hash_tiles_from_leaves_and_since() -> None:
    leaves, tree = _big()
    small = tiles.hash_tiles_from_leaves(leaves[:600])
    assert sorted(small) == ["tile/0/000", "tile/0/001", "tile/0/002.p/88", "tile/1/000.p/2"]
    later = dict(tiles.hash_tiles(700, tree.get_node, since=600))
    assert sorted(later) == ["tile/0/002.p/188"]


def test_entry_bundles() -> None:
    entries = [b"", b"a", bytes(300), bytes(range(256))]
    bundle = tiles.encode_entry_bundle(entries)
    assert bundle[:3] == b"\x00\x00\x00"
    assert tiles.decode_entry_bundle(bundle) == entries
    with pytest.raises(tiles.TileError):
        tiles.decode_entry_bundle(bundle[:-1])
    with pytest.raises(tiles.TileError):
        tiles.decode_entry_bundle(b"\x00")
    with pytest.raises(tiles.TileError):
        tiles.encode_entry_bundle([bytes(65536)])
    with pytest.raises(tiles.TileError):
        tiles.encode_entry_bundle([])
    with pytest.raises(tiles.TileError):
        tiles.decode_entry_bundle(b"\x00\x00" * 257)

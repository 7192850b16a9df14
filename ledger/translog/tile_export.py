"""Export of the latest checkpoint's tree as c2sp.org/tlog-tiles files."""

from __future__ import annotations

import os
from pathlib import Path

from ledger import merkle, notes, tiles
from ledger.translog.checkpoints import CheckpointsMixin
from ledger.translog.records import LogError, NotCoveredError, TileExport


class TilesMixin(CheckpointsMixin):
    """Static tiles of the stored tree."""

    def export_tiles(self, directory: Path | str, *, since: int | None = None) -> TileExport:
        """Write the latest checkpoint's tree as c2sp.org/tlog-tiles under ``directory``.

        Writes ``checkpoint`` (with cosignatures), the hash tiles ``tile/<L>/<N>[.p/<W>]``
        and the entry bundles ``tile/entries/<N>[.p/<W>]`` (the leaf commitments only).
        Only tiles new since the size of an existing ``checkpoint`` file are written
        (or since ``since``); a full tile that exists with other contents is refused.
        """
        out = Path(directory)
        cp = self.latest_checkpoint()
        if cp is None:
            raise NotCoveredError("还没有检查点 (先运行 log checkpoint)")
        if since is None:
            since = 0
            previous = out / "checkpoint"
            if previous.exists():
                try:
                    old = notes.parse_checkpoint(notes.parse_note(previous.read_bytes()).text)
                except notes.NoteError:
                    old = None
                if old is not None and old.origin == self.origin and old.size <= cp.size:
                    since = old.size
        since = min(since, cp.size)
        result = TileExport(cp.size, since)
        with self.sql.transaction(write=False) as cur:
            for ref in tiles.tiles_for_size(cp.size, since):
                assert ref.level is not None
                first = ref.index * tiles.TILE_WIDTH
                level = tiles.TILE_HEIGHT * ref.level
                if level == 0:
                    cur.execute(
                        self.sql.q(
                            "SELECT commitment FROM {leaves} WHERE position >= ? AND position < ? ORDER BY position"
                        ),
                        (first, first + ref.width),
                    )
                else:
                    cur.execute(
                        self.sql.q("SELECT hash FROM {nodes} WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx"),
                        (level, first, first + ref.width),
                    )
                found = [bytes(r[0]) for r in cur.fetchall()]
                data = b"".join(merkle.leaf_hash(c) for c in found) if level == 0 else b"".join(found)
                if len(data) != ref.width * merkle.HASH_SIZE:
                    raise LogError(f"透明日志缺少瓦片 {ref.path()} 的节点")
                _write_tile(out, ref, data, result)
            for ref in tiles.entry_bundles_for_size(cp.size, since):
                first = ref.index * tiles.TILE_WIDTH
                cur.execute(
                    self.sql.q(
                        "SELECT commitment FROM {leaves} WHERE position >= ? AND position < ? ORDER BY position"
                    ),
                    (first, first + ref.width),
                )
                entries = [bytes(r[0]) for r in cur.fetchall()]
                if len(entries) != ref.width:
                    raise LogError(f"透明日志缺少条目包 {ref.path()} 的叶子")
                _write_tile(out, ref, tiles.encode_entry_bundle(entries), result)
        _write_file(out / "checkpoint", cp.signed)
        result.written.append("checkpoint")
        return result


def _write_tile(root: Path, ref: tiles.TileRef, data: bytes, result: TileExport) -> None:
    path = root / ref.path()
    if path.exists():
        if path.read_bytes() == data:
            return
        if not ref.is_partial:
            raise LogError(f"已导出的完整瓦片 {ref.path()} 内容不同: 日志被改写, 拒绝覆盖")
    _write_file(path, data)
    result.written.append(ref.path())


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)

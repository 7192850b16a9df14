"""When a rebuild folds a group: once the log has passed the last event of its streams (:class:`Deferral`).

A rebuild's tables are invisible until the swap, so a group's rows may lag behind the tracked
position meanwhile; the runner's ``flush`` folds every group still waiting, under the swap's lock.
A group touched again after its fold (a 复议 opened later, a registry change) is folded again, so
the result is the same whenever a group is folded (``projections.runner``).
"""

from __future__ import annotations

import heapq
from collections import OrderedDict
from collections.abc import Mapping, Sequence

from projections.definitions import Event
from projections.groups import OWN

__all__ = ["NEVER", "Deferral"]

NEVER = 1 << 62
"""The last position of a stream the rebuild did not know when it started (appended meanwhile)."""
LINKED = ("review/", "litigation/")


class Deferral:
    """The groups a rebuild keeps waiting (``dirty``, coldest first) and when each is due."""

    def __init__(self, last: dict[str, int], limit: int) -> None:
        self.last = last  # stream -> its last event when the rebuild started
        self.limit = limit
        self.dirty: OrderedDict[str, None] = OrderedDict()
        self.due: dict[str, int] = {}  # group -> the last event of its streams seen so far
        self.heap: list[tuple[int, str]] = []

    def note(self, events: Sequence[Event], links: Mapping[str, tuple[str, int]]) -> None:
        """The position of the last event of each touched group's streams (its due)."""
        last, due, heap, never = self.last, self.due, self.heap, NEVER
        for event in events:
            stream = event.stream
            if stream.startswith(LINKED):
                group = links[stream][0] if stream in links else stream
            elif stream.startswith(OWN):
                group = stream
            else:
                continue
            end = last.get(stream, never)
            if end > due.get(group, -1):
                due[group] = end
                heapq.heappush(heap, (end, group))

    def defer(self, touched: set[str], upto: int) -> set[str]:
        """The groups to fold now: those whose due the log has passed (a parallel rebuild: each
        group about once); beyond ``limit`` waiting, the coldest are folded unfinished."""
        dirty, due, heap = self.dirty, self.due, self.heap
        cold: set[str] = set()
        for group in sorted(touched):
            end = due.get(group)
            if end is None:  # touched without events of its own (a registry change): its own stream's last
                due[group] = end = self.last.get(group, NEVER)
                heapq.heappush(heap, (end, group))
            if end <= upto:
                dirty.pop(group, None)
                cold.add(group)
            else:
                dirty[group] = None
                dirty.move_to_end(group)
        while heap and heap[0][0] <= upto:
            end, group = heapq.heappop(heap)
            if group in dirty and due.get(group) == end:
                del dirty[group]
                cold.add(group)
        while len(dirty) > self.limit:
            cold.add(dirty.popitem(last=False)[0])
        return cold

"""InChIKeys of record batches computed on worker processes, batch by batch in order, one batch ahead: the
plan's key stage for libraries whose files carry no keys (SMILES, SDF without an InChIKey field)."""
from __future__ import annotations

import collections
import itertools
from typing import Iterator, List, Optional, Sequence, Tuple

from .identity import KEY_FORMATS, inchikey
from .records import MoleculeRecord


def _keys_of(items: Sequence[Tuple[str, str]]) -> List[Optional[str]]:
    """InChIKeys of (text, format) pairs: runs in a worker process."""
    return [inchikey(text, fmt) for text, fmt in items]


class KeyWorkers:
    """Computes missing InChIKeys of record batches on worker processes, in order, a bounded number ahead."""

    def __init__(self, workers: int):
        self.workers = workers
        self._pool = None

    def _start(self):
        """The worker processes, started with the first batch that needs keys (none for UniChem): forked, as
        spawn would re-run a caller's unguarded __main__. For SMILES that is before this process opens DuckDB
        or writes a batch with Arrow's threads; the workers only parse text and compute keys in C++."""
        if self._pool is None:
            import concurrent.futures
            import multiprocessing
            self._pool = concurrent.futures.ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context(
                "fork"))
            self._pool.submit(_keys_of, []).result()
        return self._pool

    @staticmethod
    def _needing(batch: Sequence[MoleculeRecord]) -> List[int]:
        return [i for i, r in enumerate(batch) if r.inchikey is None and not r.error and r.format in KEY_FORMATS]

    def keyed(self, batches: Iterator[Tuple[int, List[MoleculeRecord]]]) -> Iterator[Tuple[int, List[MoleculeRecord]]]:
        """The batches with their missing keys filled in, in input order."""
        pending: "collections.deque" = collections.deque()

        def finish():
            b, batch, need, futures = pending.popleft()
            keys = list(itertools.chain.from_iterable(f.result() for f in futures))
            for i, key in zip(need, keys):
                batch[i].inchikey = key
            return b, batch

        for b, batch in batches:
            need = self._needing(batch)
            items = [(batch[i].text, batch[i].format) for i in need]
            if self.workers < 2 or not items:
                for i, key in zip(need, _keys_of(items)):
                    batch[i].inchikey = key
                pending.append((b, batch, [], []))
            else:
                step = -(-len(items) // self.workers)
                pool = self._start()
                futures = [pool.submit(_keys_of, items[j:j + step]) for j in range(0, len(items), step)]
                pending.append((b, batch, need, futures))
            if len(pending) > 1:  # one batch computing while the next is read
                yield finish()
        while pending:
            yield finish()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

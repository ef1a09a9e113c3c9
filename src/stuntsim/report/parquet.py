"""The per-sample Parquet file of a Monte Carlo run (``stuntsim mc --out FILE.parquet``).

Columns, one row per sample in sample order: ``sample`` (index), ``seed_block``,
``verdict_code`` (0 GO, 1 CAUTION, 2 NO-GO), ``<check>_ok`` and ``<check>_margin`` for every
check, then the kind's own per-sample columns (SI, named with their unit). File metadata (keys
``stuntsim.*``): the seed, the sample count, the seed block, the scenario's path and SHA-256, the
version, the ``[uncertainty]`` table as JSON, the verdict codes.

The file is streamed chunk by chunk into a temporary file beside the target and renamed into
place at the end, so a failed run leaves no partial file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any


class ParquetSink:
    """Streams chunk tables into one Parquet file (atomic: temporary file, then rename)."""

    def __init__(self, path: str | Path, metadata: Mapping[str, str]) -> None:
        try:
            import pyarrow  # noqa: F401
        except ImportError:  # pragma: no cover - the parquet extra is not installed
            from stuntsim.errors import StuntsimError

            raise StuntsimError("--out needs pyarrow: pip install 'stuntsim[parquet]'") from None
        from stuntsim.report.export import new_temp

        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = str(new_temp(self.path))  # registered: removed if a signal ends the run
        self.metadata = {k.encode(): v.encode() for k, v in metadata.items()}
        self.writer: Any = None
        self.schema: Any = None
        self.rows = 0

    def write(self, table: Mapping[str, Any]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        t = pa.table({k: pa.array(v) for k, v in table.items()})
        if self.writer is None:
            self.schema = t.schema.with_metadata(self.metadata)
            self.writer = pq.ParquetWriter(self.tmp, self.schema, compression="zstd")
        self.writer.write_table(t.cast(self.schema))
        self.rows += t.num_rows

    def finish(self) -> Path:
        """Complete the temporary file and return it, unrenamed: the command line renames it
        with the run's other outputs, all or none (report.export.write_all)."""
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        return Path(self.tmp)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.tmp, 0o666 & ~umask)  # mkstemp makes it private; a result file is not
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        from stuntsim.report.export import discard_temp

        try:
            if self.writer is not None:
                self.writer.close()
        finally:
            self.writer = None
            discard_temp(self.tmp)

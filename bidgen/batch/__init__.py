"""The bulk run over a workbook of deals: plan, run each deal through an executor, manifest, report.

Library use::

    from bidgen.batch import BatchOptions, run_batch
    result = run_batch("deals.xlsx", "out/", BatchOptions(jobs=2))
    result.exit_code, [r.status for r in result.results]

Any :class:`concurrent.futures.Executor` runs the per-deal job (:func:`run_deal`, a pure
function of a deal's raw rows and the shared resources): pass ``executor=`` (a Dask
``distributed.Client().get_executor()`` works the same way; see docs/batch.md).
"""

from bidgen.batch.job import DealJob, DealResult, Shared, run_deal
from bidgen.batch.run import BatchOptions, BatchResult, run_batch

__all__ = ["BatchOptions", "BatchResult", "DealJob", "DealResult", "Shared", "run_batch", "run_deal"]

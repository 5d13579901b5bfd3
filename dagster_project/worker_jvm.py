"""The JVM options a worker launch gets (KlineWorkerResource, and make bench, which measures the
launch the way Dagster makes it)."""

from __future__ import annotations

# A worker streams its input (COPY from a reader, silver in one SQL statement), so its heap does not
# grow with the window: 256 MiB holds a day of 100 streams as well as an hour of one (make bench's
# bronze-load row measures peak RSS at 1x and 4x input under this bound). Without it the JVM takes a
# quarter of the machine's memory and a launch's RSS grows into it.
WORKER_HEAP_OPTION = "-Xmx256m"
DEFAULT_WORKER_JVM_OPTIONS: tuple[str, ...] = (WORKER_HEAP_OPTION,)

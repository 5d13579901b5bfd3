"""The JVM options a worker launch gets (KlineWorkerResource, and make bench, which measures the
launch the way Dagster makes it)."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable
from pathlib import Path

# A worker streams its input (COPY from a reader, silver in one SQL statement), so its heap does not
# grow with the window: 256 MiB holds a day of 100 streams as well as an hour of one (make bench's
# bronze-load row measures peak RSS at 1x and 4x input under this bound). Without it the JVM takes a
# quarter of the machine's memory and a launch's RSS grows into it.
WORKER_HEAP_OPTION = "-Xmx256m"
# A launch is short and its heap small: the serial collector has no concurrent threads to start or
# feed, so it spent less CPU and peak RSS than G1 on ext-to-bronze's first load of a day (make
# bench, bronze-load; measured with -XX:TieredStopAtLevel=1 too, which saved nothing and is not used).
WORKER_GC_OPTION = "-XX:+UseSerialGC"
DEFAULT_WORKER_JVM_OPTIONS: tuple[str, ...] = (WORKER_HEAP_OPTION, WORKER_GC_OPTION)
# Options of one subcommand's launches, after the ones above. Silver's Java side is a few statements
# and their reports, so its launch is mostly start-up, where the C2 compiler only costs CPU: with C1
# alone, the silver bench's day x 500 listings took 1.4 CPU-s where it took 2.9 for the first merge
# (wall 10.1 s vs 10.4) and 0.85 where it took 1.6 for a rerun with nothing to change (0.63 s vs 0.96),
# median of 3 and 6 launches each on a quiet machine (2026-12-06). ext-to-bronze parses in Java and
# keeps C2; bronze-rest is not measured yet, so it keeps the default too.
DEFAULT_SUBCOMMAND_JVM_OPTIONS: dict[str, tuple[str, ...]] = {"silver": ("-XX:TieredStopAtLevel=1",)}


class ClassArchive:
    """Class-data sharing (AppCDS) for the worker jar: a launch maps the classes an earlier launch
    loaded from an archive instead of loading and verifying them again (make bench, launch-overhead:
    about a third less CPU per launch).

    The archive is made by the first launch that finds none (-XX:ArchiveClassesAtExit, into a
    temporary name, renamed when that launch succeeds, so concurrent first launches never see half
    an archive) and used by every later one (-XX:SharedArchiveFile). Its name carries the jar's
    path, size and modification time and the java executable: a rebuilt jar or another JVM gets an
    archive of its own, and a stale one is never used; should the JVM still refuse an archive,
    -Xshare:auto makes it run without. Where the folder cannot be written, launches go without. The
    first archive of a rebuilt jar removes those made for earlier builds."""

    def __init__(self, jar: Path, java: str, folder: Path | None = None) -> None:
        self.jar = jar
        self.java = java
        self.folder = folder or jar.parent

    def path(self) -> Path:
        stat = self.jar.stat()
        key = hashlib.sha256(f"{self.jar.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{self.java}".encode()).hexdigest()[:16]
        return self.folder / f"kline-worker-{key}.jsa"

    def launch_options(self) -> tuple[list[str], Callable[[int], None]]:
        """The options for one launch, and what to call with its exit code when it has ended."""
        try:
            archive = self.path()
        except OSError:
            return [], _nothing
        if archive.exists():
            return [f"-XX:SharedArchiveFile={archive}", "-Xshare:auto"], _nothing
        if not os.access(self.folder, os.W_OK):
            return [], _nothing
        temporary = archive.with_name(f"{archive.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")

        def keep_if_done(exit_code: int) -> None:
            if exit_code == 0 and temporary.exists():
                os.replace(temporary, archive)
                self._remove_older_than_jar(keep=archive)
            else:
                temporary.unlink(missing_ok=True)

        return [f"-XX:ArchiveClassesAtExit={temporary}"], keep_if_done


    def _remove_older_than_jar(self, keep: Path) -> None:
        """Archives made before the jar was last built were made for an older jar: never used again,
        tens of MiB each. The one just made is kept whatever its time: a jar whose time lies ahead
        of the clock (copied, or built on another machine) would otherwise lose it at once."""
        built = self.jar.stat().st_mtime_ns
        for old in self.folder.glob("kline-worker-*.jsa"):
            try:
                if old != keep and old.stat().st_mtime_ns < built:
                    old.unlink()
            except FileNotFoundError:
                pass  # another launch removed it first


def _nothing(exit_code: int) -> None:
    return None

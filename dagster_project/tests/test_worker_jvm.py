"""The worker's class-data sharing archive (AppCDS), with the real JVM and the real worker jar."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from dagster_project.config import DEFAULT_WORKER_JAR
from dagster_project.worker_jvm import ClassArchive

pytestmark = pytest.mark.skipif(not DEFAULT_WORKER_JAR.exists(), reason=f"worker jar {DEFAULT_WORKER_JAR} is not built yet")


@pytest.fixture
def jar(tmp_path: Path) -> Path:
    copy = tmp_path / "kline-worker.jar"
    shutil.copy2(DEFAULT_WORKER_JAR, copy)
    return copy


def java(*args: str) -> int:
    return subprocess.run(["java", *args], capture_output=True, text=True).returncode


def test_the_first_launch_writes_the_archive_and_later_launches_start_from_it(jar: Path) -> None:
    archive = ClassArchive(jar, "java")
    options, done = archive.launch_options()
    assert options[0].startswith("-XX:ArchiveClassesAtExit=")

    done(java(*options, "-jar", str(jar), "--help"))

    assert archive.path().exists()
    assert list(jar.parent.glob("*.tmp")) == []
    later, _ = archive.launch_options()
    assert later == [f"-XX:SharedArchiveFile={archive.path()}", "-Xshare:auto"]
    # -Xshare:on refuses to start unless the archive is valid for this jar and JVM.
    assert java(f"-XX:SharedArchiveFile={archive.path()}", "-Xshare:on", "-jar", str(jar), "--help") == 0


def test_a_rebuilt_jar_gets_an_archive_of_its_own_and_never_the_stale_one(jar: Path) -> None:
    archive = ClassArchive(jar, "java")
    options, done = archive.launch_options()
    done(java(*options, "-jar", str(jar), "--help"))
    stale = archive.path()

    rebuilt = time.time_ns() + 1_000_000_000  # as a build after the archive was made
    os.utime(jar, ns=(rebuilt, rebuilt))

    assert archive.path() != stale
    options, done = archive.launch_options()
    assert options[0].startswith("-XX:ArchiveClassesAtExit=") and str(stale) not in options[0]

    done(java(*options, "-jar", str(jar), "--help"))

    assert archive.path().exists() and not stale.exists(), "the archive of the earlier build is removed"


def test_a_failed_launch_leaves_no_archive_for_the_next_one(jar: Path) -> None:
    archive = ClassArchive(jar, "java")
    options, done = archive.launch_options()
    temporary = Path(options[0].split("=", 1)[1])
    temporary.write_bytes(b"what a killed JVM may leave")

    done(3)

    assert not archive.path().exists() and not temporary.exists()
    assert archive.launch_options()[0][0].startswith("-XX:ArchiveClassesAtExit=")


def test_without_a_folder_to_write_to_or_a_jar_the_launch_goes_without_an_archive(jar: Path, tmp_path: Path) -> None:
    assert ClassArchive(jar, "java", folder=tmp_path / "missing").launch_options()[0] == []
    assert ClassArchive(tmp_path / "no.jar", "java").launch_options()[0] == []

"""Dagster's official Pipes conformance suite against the project's Java Pipes client.

Each test of PipesTestSuite starts BASE_ARGS plus its own options (--test-name, --extras, ...)
through PipesSubprocessClient; PipesConformanceMain (java-workers test sources) answers them with
the client's public API. Run by scripts/pipes-conformance.sh after `mvn package`.
"""

from pathlib import Path

from dagster_pipes_tests import PipesTestSuite

TARGET = Path(__file__).resolve().parent.parent / "target"

# The shaded worker jar carries the client and its libraries (Jackson, AWS SDK, SLF4J) exactly as
# shipped; test-classes adds the entry point, which stays out of the jar.
CLASSPATH = f"{TARGET / 'test-classes'}:{TARGET / 'kline-worker.jar'}"


class TestJavaPipesClient(PipesTestSuite):
    BASE_ARGS = [
        "java",
        # Each test starts a fresh JVM for a few messages: favour start-up time.
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-cp",
        CLASSPATH,
        "io.klinepipeline.pipes.conformance.PipesConformanceMain",
    ]

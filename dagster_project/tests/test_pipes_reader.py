"""The Pipes message reader of the worker resource hands on whole lines only: a message the worker
is still appending is never parsed half-written (which stopped Dagster's reader for the rest of the
launch under make soak's load)."""

import json
import threading
import time
from pathlib import Path

from dagster_project.resources import tail_complete_lines

_MESSAGE = json.dumps({"__dagster_pipes_version": "0.1", "method": "report_asset_materialization",
                       "params": {"asset_key": "silver/btc_usdt", "metadata": {"latest_candles": {"raw_value": "x" * 3000}}}})


def test_a_message_written_in_two_parts_is_read_once_whole(tmp_path: Path) -> None:
    path = tmp_path / "messages"
    path.write_text("")
    stop = threading.Event()
    half_written = threading.Event()

    def worker() -> None:
        with path.open("a", encoding="utf-8") as out:
            out.write(_MESSAGE[:1000])
            out.flush()
            half_written.set()
            time.sleep(0.5)  # the reader polls every 10 ms: it sees the half many times
            out.write(_MESSAGE[1000:] + "\n")
            out.write('{"method": "closed"}\n')
        stop.set()

    writer = threading.Thread(target=worker)
    writer.start()
    half_written.wait(5)
    lines = list(tail_complete_lines(str(path), stop.is_set))
    writer.join()

    assert [json.loads(line)["method"] for line in lines] == ["report_asset_materialization", "closed"]
    assert json.loads(lines[0]) == json.loads(_MESSAGE)


def test_a_last_line_the_writer_finished_just_before_stopping_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "messages"
    path.write_text("")
    reads = []

    def stopped_after_the_writer_appended() -> bool:
        # The first time the reader finds nothing new, the writer appends its last line and exits.
        if not reads:
            path.write_text(_MESSAGE + "\n")
            reads.append(1)
        return True

    assert [json.loads(line) for line in tail_complete_lines(str(path), stopped_after_the_writer_appended)] == [json.loads(_MESSAGE)]

"""cryptofeed's Binance feed capturing kline streams from the exchange simulator: the baseline of
scripts/bench-engine.py, run in its own virtualenv (cryptofeed 3.0.1 needs Python >= 3.12).

What is adapted, and why it is fair:
- The feed's WebSocket address is the simulator's (a subclass of cryptofeed's Binance with another
  websocket_endpoints); the simulator speaks Binance's combined streams (/stream?streams=...),
  which is what cryptofeed's Binance feed always uses, all streams on one connection.
- cryptofeed refuses addresses that are not wss://; the simulator has no TLS, and the engine is
  measured without TLS too, so WSAsyncConn is let through with ws:// (allow_plain_websockets).
- cryptofeed loads its symbol table from Binance's REST exchangeInfo; the bench's synthetic symbols
  (S0000USDT...) are put into that table directly instead (Symbols.set, as its own symbol cache does).
- Every raw message goes to disk through cryptofeed's own raw-data hook (Connection.raw_data_callback,
  which its pcap recorder uses too), with cryptofeed's receive time: one line per message,
  {"received_at": <epoch seconds>, "raw": <the frame as received>}, in one file per stream like the
  engine's. Writes are buffered and flushed every FLUSH_SECONDS, never fsynced (the engine fsyncs
  within its flush interval): a choice in cryptofeed's favour on throughput.
- cryptofeed still does all of its own work per message (JSON parse, candle handling); a no-op
  candle callback receives the closed candles.

Usage: python bench-engine-cryptofeed.py --ws-url ws://127.0.0.1:PORT --out DIR SYMBOL...
Runs until SIGTERM/SIGINT, then flushes and closes its files.
"""
import argparse
import asyncio
import os
import signal

from cryptofeed import FeedHandler
from cryptofeed.connection import Connection, WebsocketEndpoint, WSAsyncConn
from cryptofeed.defines import BINANCE, CANDLES, SPOT
from cryptofeed.exchanges import Binance
from cryptofeed.symbols import Symbols

FLUSH_SECONDS = 0.01
QUOTE = "USDT"


class RawLines:
    """cryptofeed's raw-data hook: every WebSocket message as one JSONL line in its stream's file."""

    def __init__(self, out_dir: str) -> None:
        self.out_dir = out_dir
        self.files: dict[str, object] = {}
        self.dirty: set = set()

    async def on_ws_message(self, conn, data, timestamp: float) -> None:
        # {"stream":"s0001usdt@kline_1m","data":{...}}: the stream's name without parsing the JSON.
        start = data.find('"stream":"') + 10
        stream = data[start:data.find('@', start)]
        f = self.files.get(stream)
        if f is None:
            f = self.files[stream] = open(os.path.join(self.out_dir, stream + ".jsonl"), "a", buffering=1 << 16)
        f.write('{"received_at":%.6f,"raw":%s}\n' % (timestamp, data))
        self.dirty.add(f)

    def flush(self) -> None:
        for f in self.dirty:
            f.flush()
        self.dirty.clear()

    def close(self) -> None:
        for f in self.files.values():
            f.close()

    async def on_ws_open(self, conn, timestamp: float) -> None:
        pass

    async def on_ws_send(self, conn, data, timestamp: float) -> None:
        pass

    async def on_close(self, conn) -> None:
        pass

    async def on_http(self, *args) -> None:
        pass

    async def on_http_post(self, *args) -> None:
        pass

    async def on_http_poll(self, *args) -> None:
        pass


def allow_plain_websockets() -> None:
    """WSAsyncConn accepts ws:// as well: it checks the scheme in __init__ only, then connects to self.address."""
    checked_init = WSAsyncConn.__init__

    def init(self, address: str, conn_id: str, subscription=None, **kwargs):
        plain = address.startswith("ws://")
        checked_init(self, "wss://" + address[len("ws://"):] if plain else address, conn_id, subscription=subscription, **kwargs)
        if plain:
            self.address = address

    WSAsyncConn.__init__ = init


async def no_op(candle, receipt_timestamp) -> None:
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ws-url", required=True, help="the simulator's Binance WebSocket base, e.g. ws://127.0.0.1:18100")
    parser.add_argument("--out", required=True, help="folder for one <symbol>.jsonl per stream")
    parser.add_argument("symbols", nargs="+", help="Binance symbols ending in USDT, e.g. S0000USDT")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    normalized = {}
    for symbol in args.symbols:
        if not symbol.endswith(QUOTE):
            parser.error(f"{symbol}: the bench's symbols end in {QUOTE}")
        normalized[f"{symbol[:-len(QUOTE)]}-{QUOTE}"] = symbol
    Symbols.set(BINANCE, normalized, {"tick_size": {s: "0.01" for s in normalized},
                                      "instrument_type": {s: SPOT for s in normalized}})
    simulated = type("SimulatedBinance", (Binance,), {"websocket_endpoints": [WebsocketEndpoint(args.ws_url)]})

    allow_plain_websockets()
    raw = RawLines(args.out)
    Connection.raw_data_callback = raw
    handler = FeedHandler(config={"log": {"disabled": True}})
    handler.add_feed(simulated(symbols=list(normalized), channels=[CANDLES], callbacks={CANDLES: no_op}))

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        feeds = asyncio.create_task(handler.run_async(install_signal_handlers=False))
        while not stop.is_set():
            raw.flush()
            try:
                await asyncio.wait_for(stop.wait(), FLUSH_SECONDS)
            except asyncio.TimeoutError:
                pass
            if feeds.done():
                feeds.result()  # a feed that died: its exception, not a silent hang
                break
        feeds.cancel()
        raw.flush()
        raw.close()

    asyncio.run(run())


if __name__ == "__main__":
    main()

"""Binance as the workers see it in tests: deterministic 1-minute klines, the engine's JSONL files
of the WebSocket stream, and a local REST server for /api/v3/klines."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

MINUTE = timedelta(minutes=1)
BASE_PRICE = {"BTCUSDT": 37000.0, "ETHUSDT": 2000.0}
# The exchange's history in this fake: one UTC day.
HISTORY_START = datetime(2026, 11, 24, tzinfo=timezone.utc)
HISTORY_END = HISTORY_START + timedelta(days=1)


def ms(t: datetime) -> int:
    return int(t.timestamp() * 1000)


@dataclass(frozen=True)
class Kline:
    """One candle in Binance's own notation: prices and volumes as strings."""

    open_time: datetime
    o: str
    h: str
    l: str  # noqa: E741 - Binance's field name
    c: str
    v: str
    q: str
    n: int

    def rest_row(self) -> list:
        """GET /api/v3/klines row: [open ms, o, h, l, c, v, close ms, q, n, taker base, taker quote, "0"]."""
        start = ms(self.open_time)
        return [start, self.o, self.h, self.l, self.c, self.v, start + 59_999, self.q, self.n, _half(self.v), _half(self.q), "0"]

    def ws_payload(self, symbol: str, event_time: datetime, closed: bool) -> dict:
        """The <symbol>@kline_1m message."""
        start = ms(self.open_time)
        return {
            "e": "kline",
            "E": ms(event_time),
            "s": symbol,
            "k": {
                "t": start, "T": start + 59_999, "s": symbol, "i": "1m", "f": 100, "L": 100 + self.n,
                "o": self.o, "c": self.c, "h": self.h, "l": self.l, "v": self.v, "n": self.n, "x": closed,
                "q": self.q, "V": _half(self.v), "Q": _half(self.q), "B": "0",
            },
        }


def _half(decimal: str) -> str:
    return f"{float(decimal) / 2:.8f}"


def final_kline(symbol: str, open_time: datetime, zero_volume: bool = False) -> Kline:
    """The exchange's last word on a minute: what x:true carries and what REST serves."""
    i = int((open_time - HISTORY_START) / MINUTE)
    o = BASE_PRICE[symbol] + (i % 97) * 1.5
    if zero_volume:  # Binance still sends a candle for a minute without trades
        return Kline(open_time, f"{o:.2f}", f"{o:.2f}", f"{o:.2f}", f"{o:.2f}", "0.00000000", "0.00000000", 0)
    c = o + 0.75 if i % 2 else o - 0.5
    v = 0.5 + (i % 13) * 0.125
    q = v * (o + c) / 2 + (i % 7) * 0.01
    return Kline(open_time, f"{o:.2f}", f"{max(o, c) + 2.25:.2f}", f"{min(o, c) - 1.5:.2f}", f"{c:.2f}", f"{v:.8f}", f"{q:.8f}", 50 + i % 17)


def partial_kline(final: Kline, step: int) -> Kline:
    """The step-th of three x:false updates before the close: less volume, another close."""
    o, c = float(final.o), float(final.c)
    interim_close = o + (c - o) * step / 4
    return Kline(
        final.open_time, final.o, f"{max(o, interim_close):.2f}", f"{min(o, interim_close):.2f}", f"{interim_close:.2f}",
        f"{float(final.v) * step / 4:.8f}", f"{float(final.q) * step / 4:.8f}", final.n * step // 4,
    )


@dataclass(frozen=True)
class CapturedPair:
    """What the engine captured of one pair around one hour."""

    symbol: str
    hour: datetime
    missing_minutes: frozenset[datetime] = frozenset()  # disconnected: nothing at all
    unclosed_minutes: frozenset[datetime] = frozenset()  # disconnected before the close: updates only
    zero_volume_minutes: frozenset[datetime] = frozenset()

    def final(self, minute: datetime) -> Kline:
        return final_kline(self.symbol, minute, zero_volume=minute in self.zero_volume_minutes)

    def minutes(self) -> list[datetime]:
        return [self.hour + k * MINUTE for k in range(60)]

    def gap_minutes(self) -> list[datetime]:
        """Minutes with no final WebSocket candle: only REST can fill them."""
        return sorted(self.missing_minutes | self.unclosed_minutes)

    def close_received_at(self, minute: datetime) -> datetime:
        # The closing update arrives just after the minute, so the close of hh:59 lands in the next hour's folder.
        return minute + MINUTE + timedelta(milliseconds=50, microseconds=123)

    def events(self) -> list[tuple[datetime, dict]]:
        """(received_at, payload) from the close of the minute before the hour to the first updates after it."""
        out: list[tuple[datetime, dict]] = []
        for minute in [self.hour - MINUTE, *self.minutes(), self.hour + timedelta(hours=1)]:
            if minute in self.missing_minutes:
                continue
            final = self.final(minute)
            if minute >= self.hour:
                for step in (1, 2, 3):
                    at = minute + timedelta(seconds=20 * step - 10, milliseconds=100 * step, microseconds=456)
                    out.append((at, partial_kline(final, step).ws_payload(self.symbol, at - timedelta(milliseconds=3), False)))
            if minute < self.hour + timedelta(hours=1) and minute not in self.unclosed_minutes:
                at = self.close_received_at(minute)
                out.append((at, final.ws_payload(self.symbol, at - timedelta(milliseconds=3), True)))
        return sorted(out, key=lambda e: e[0])

    def write_jsonl(self, local_dir: Path) -> list[Path]:
        """The engine's files: by UTC hour of received_at, rolled every 30 minutes, names per the contract."""
        files: dict[Path, list[str]] = {}
        for received_at, payload in self.events():
            hour = received_at.replace(minute=0, second=0, microsecond=0)
            opened = hour + timedelta(minutes=30 * (received_at.minute // 30), milliseconds=7)
            folder = local_dir / "exchange=binance" / f"symbol={self.symbol}" / f"date={hour:%Y-%m-%d}" / f"hour={hour:%H}"
            name = f"{opened:%Y%m%dT%H%M%S}{opened.microsecond // 1000:03d}Z-test-{self.symbol.lower()}.jsonl"
            line = {
                "v": 1, "exchange": "binance", "symbol": self.symbol, "channel": "kline_1m",
                "received_at": received_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "payload": payload,
            }
            files.setdefault(folder / name, []).append(json.dumps(line, separators=(",", ":")))
        for path, lines in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return sorted(files)


@dataclass
class FakeBinanceRest:
    """GET /api/v3/klines over the fake history, honouring symbol, interval, startTime, endTime, limit."""

    pairs: dict[str, CapturedPair]
    requests: list[dict[str, str]] = field(default_factory=list)
    url: str = ""

    def klines(self, symbol: str, start_ms: int, end_ms: int, limit: int) -> list[list]:
        pair = self.pairs[symbol]
        first = max(HISTORY_START, _ceil_minute(start_ms))
        rows = []
        minute = first
        while minute < HISTORY_END and ms(minute) <= end_ms and len(rows) < limit:
            rows.append(pair.final(minute).rest_row())
            minute += MINUTE
        return rows


def _ceil_minute(millis: int) -> datetime:
    t = datetime.fromtimestamp(millis / 1000, tz=timezone.utc)
    floor = t.replace(second=0, microsecond=0)
    return floor if floor == t else floor + MINUTE


def _handler(fake: FakeBinanceRest) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            url = urlsplit(self.path)
            params = {k: v[-1] for k, v in parse_qs(url.query).items()}
            fake.requests.append({"path": url.path, **params})
            if url.path != "/api/v3/klines":
                return self._send(404, {"code": -1, "msg": "Not found"})
            if params.get("symbol") not in fake.pairs:
                return self._send(400, {"code": -1121, "msg": "Invalid symbol."})
            if params.get("interval") != "1m":
                return self._send(400, {"code": -1120, "msg": "Invalid interval."})
            limit = int(params.get("limit", 500))
            if not 1 <= limit <= 1000:
                return self._send(400, {"code": -1130, "msg": "Invalid data sent for a parameter."})
            start = int(params.get("startTime", ms(HISTORY_START)))
            end = int(params.get("endTime", ms(HISTORY_END)))
            self._send(200, fake.klines(params["symbol"], start, end, limit))

        def _send(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-MBX-USED-WEIGHT-1M", str(2 * len(fake.requests)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's signature
            pass

    return Handler


@contextmanager
def serve(fake: FakeBinanceRest) -> Iterator[FakeBinanceRest]:
    """Runs the fake on 127.0.0.1 (a free port) in a thread; fake.url is its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()

package io.klinepipeline.workers.bronze;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.klinepipeline.exchange.Candle;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Reads a Binance kline line of the usual shape (the envelope the engine writes around a raw
 * {@code {"e":"kline",...}} frame) straight from its bytes with a streaming parser, without the
 * line's String, its JSON tree or a String per field: in a load that is most of the worker's CPU.
 *
 * <p>It is a shortcut, never a second set of rules. It takes a line only when every key is one it
 * knows, present once, of the type it expects, and every value passes the checks of
 * {@code RawEventCodec.decode} and the Binance parser; it then gives the candle those would give.
 * Anything else (an unknown or repeated key, a float, a nested value where none belongs, the
 * combined-stream wrapper, another stream's line, a value out of range, a byte that is not ASCII)
 * returns false, and the line goes the general way, which loads it or refuses it with its reason.
 * BinanceLineShortcutTest compares the two ways on real captures and on damaged lines.
 */
final class BinanceLineShortcut {
    private static final int V = 1;
    private static final int EXCHANGE = 1 << 1;
    private static final int SYMBOL = 1 << 2;
    private static final int CHANNEL = 1 << 3;
    private static final int RECEIVED_AT = 1 << 4;
    private static final int CONN = 1 << 5;
    private static final int SEQ = 1 << 6;
    private static final int PAYLOAD = 1 << 7;
    private static final int ENVELOPE = (PAYLOAD << 1) - 1;

    private static final int E = 1;
    private static final int K = 1 << 1;
    private static final int EVENT_TIME = 1 << 2;
    private static final int EVENT_SYMBOL = 1 << 3;
    private static final int EVENT = (EVENT_SYMBOL << 1) - 1;

    private static final int T = 1;
    private static final int I = 1 << 1;
    private static final int S = 1 << 2;
    private static final int X = 1 << 3;
    private static final int O = 1 << 4;
    private static final int H = 1 << 5;
    private static final int L = 1 << 6;
    private static final int C = 1 << 7;
    private static final int VOLUME = 1 << 8;
    private static final int Q = 1 << 9;
    private static final int N = 1 << 10;
    /** Keys of k the parser does not read: close time, first and last trade id, taker volumes, ignore. */
    private static final int OTHER_KLINE_KEYS = 1 << 11;
    private static final int KLINE = (N << 1) - 1;

    private final JsonFactory json = new JsonFactory();
    private final String exchange;
    private final String symbol;

    private Instant receivedAt;
    private Candle candle;
    /** received_at's text up to the second, and its epoch second: it changes once a second at most. */
    private String lastSecondText = "";
    private long lastSecond;

    // The kline's fields while a line is read.
    private long openMillis;
    private long trades;
    private boolean closed;
    private double open;
    private double high;
    private double low;
    private double close;
    private double volume;
    private double quoteVolume;

    /** The stream being loaded: a line of another one goes the general way, which refuses it. */
    BinanceLineShortcut(String exchange, String symbol) {
        this.exchange = exchange;
        this.symbol = symbol;
    }

    /** When {@link #read} took the line: its received_at. */
    Instant receivedAt() {
        return receivedAt;
    }

    /** When {@link #read} took the line: its candle. */
    Candle candle() {
        return candle;
    }

    /**
     * Whether the line (UTF-8, without its line break) is one this shortcut takes; if so
     * {@link #receivedAt()} and {@link #candle()} hold what the general way would have made of it.
     */
    boolean read(byte[] line, int length) {
        if (!ascii(line, length)) {
            return false;
        }
        try (JsonParser p = json.createParser(line, 0, length)) {
            if (!envelope(p) || p.nextToken() != null) {
                return false;
            }
        } catch (IOException | RuntimeException e) {
            return false; // not JSON, not UTF-8, a number out of range: the general way names it
        }
        if (openMillis % 60_000 != 0 || high < low || trades < 0 || trades > Integer.MAX_VALUE) {
            return false;
        }
        candle = new Candle(exchange, symbol, 60, Instant.ofEpochMilli(openMillis), open, high, low, close, volume,
                quoteVolume, Candle.vwapOf(quoteVolume, volume), (int) trades, closed);
        return true;
    }

    /**
     * The engine's Binance lines are ASCII. Anything else goes the general way: the factory's
     * shared name table, once warmed by earlier lines, took a key with a byte that is not UTF-8
     * before it ("\xffi") for the key "i" and so a line the parser refuses (found by
     * ExtToBronzeLinesJazzerFuzzTest).
     */
    private static boolean ascii(byte[] line, int length) {
        for (int i = 0; i < length; i++) {
            if (line[i] < 0) {
                return false;
            }
        }
        return true;
    }

    private boolean envelope(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return false;
        }
        int seen = 0;
        for (JsonToken token = p.nextToken(); token == JsonToken.FIELD_NAME; token = p.nextToken()) {
            int key = switch (p.currentName()) {
                case "v" -> V;
                case "exchange" -> EXCHANGE;
                case "symbol" -> SYMBOL;
                case "channel" -> CHANNEL;
                case "received_at" -> RECEIVED_AT;
                case "conn" -> CONN;
                case "seq" -> SEQ;
                case "payload" -> PAYLOAD;
                default -> 0;
            };
            if (key == 0 || (seen & key) != 0) {
                return false;
            }
            seen |= key;
            JsonToken value = p.nextToken();
            boolean ok = switch (key) {
                case V -> value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT && p.getIntValue() == 1;
                case EXCHANGE -> value == JsonToken.VALUE_STRING && exchange.equals(p.getText());
                case SYMBOL -> value == JsonToken.VALUE_STRING && symbol.equals(p.getText());
                case CHANNEL, CONN -> value == JsonToken.VALUE_STRING && p.getTextLength() > 0;
                case RECEIVED_AT -> value == JsonToken.VALUE_STRING && receivedAt(p.getText());
                case SEQ -> wholeNumber(p, value) && p.getLongValue() >= 1;
                default -> value == JsonToken.START_OBJECT && event(p);
            };
            if (!ok) {
                return false;
            }
        }
        return seen == ENVELOPE && p.currentToken() == JsonToken.END_OBJECT;
    }

    private boolean event(JsonParser p) throws IOException {
        int seen = 0;
        for (JsonToken token = p.nextToken(); token == JsonToken.FIELD_NAME; token = p.nextToken()) {
            int key = switch (p.currentName()) {
                case "e" -> E;
                case "k" -> K;
                case "E" -> EVENT_TIME;
                case "s" -> EVENT_SYMBOL;
                default -> 0;
            };
            if (key == 0 || (seen & key) != 0) {
                return false;
            }
            seen |= key;
            JsonToken value = p.nextToken();
            boolean ok = switch (key) {
                case E -> value == JsonToken.VALUE_STRING && "kline".equals(p.getText());
                case K -> value == JsonToken.START_OBJECT && kline(p);
                default -> scalar(value);
            };
            if (!ok) {
                return false;
            }
        }
        return seen == EVENT && p.currentToken() == JsonToken.END_OBJECT;
    }

    private boolean kline(JsonParser p) throws IOException {
        int seen = 0;
        for (JsonToken token = p.nextToken(); token == JsonToken.FIELD_NAME; token = p.nextToken()) {
            String name = p.currentName();
            int key = switch (name) {
                case "t" -> T;
                case "i" -> I;
                case "s" -> S;
                case "x" -> X;
                case "o" -> O;
                case "h" -> H;
                case "l" -> L;
                case "c" -> C;
                case "v" -> VOLUME;
                case "q" -> Q;
                case "n" -> N;
                case "T", "f", "L", "V", "Q", "B" -> OTHER_KLINE_KEYS << "TfLVQB".indexOf(name.charAt(0));
                default -> 0;
            };
            if (key == 0 || (seen & key) != 0) {
                return false;
            }
            seen |= key;
            JsonToken value = p.nextToken();
            boolean ok = switch (key) {
                case T -> wholeNumber(p, value) && set(openMillis = p.getLongValue());
                case I -> value == JsonToken.VALUE_STRING && "1m".equals(p.getText());
                case S -> value == JsonToken.VALUE_STRING && symbol.equals(p.getText());
                case X -> (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE) && set(closed = value == JsonToken.VALUE_TRUE);
                case O -> value == JsonToken.VALUE_STRING && set(open = decimal(p.getText()));
                case H -> value == JsonToken.VALUE_STRING && set(high = decimal(p.getText()));
                case L -> value == JsonToken.VALUE_STRING && set(low = decimal(p.getText()));
                case C -> value == JsonToken.VALUE_STRING && set(close = decimal(p.getText()));
                case VOLUME -> value == JsonToken.VALUE_STRING && set(volume = decimal(p.getText()));
                case Q -> value == JsonToken.VALUE_STRING && set(quoteVolume = decimal(p.getText()));
                case N -> wholeNumber(p, value) && set(trades = p.getLongValue());
                default -> scalar(value);
            };
            if (!ok) {
                return false;
            }
        }
        return (seen & KLINE) == KLINE && p.currentToken() == JsonToken.END_OBJECT;
    }

    /** A value the general way keeps without looking at it: anything but a float (which it converts) or a nested value. */
    private static boolean scalar(JsonToken value) {
        return value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_TRUE
                || value == JsonToken.VALUE_FALSE || value == JsonToken.VALUE_NULL;
    }

    /** An integer JSON number that fits a long, as the parser's isIntegralNumber and canConvertToLong take it. */
    private static boolean wholeNumber(JsonParser p, JsonToken value) throws IOException {
        return value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
    }

    /** Binance's decimal strings, as BinanceFields reads them; NaN (never taken) when the parser would refuse it. */
    private static double decimal(String text) {
        double value = Double.parseDouble(text); // NumberFormatException: not taken
        return Double.isFinite(value) && value >= 0 ? value : Double.NaN;
    }

    /** Lets an assignment sit in a condition; false for a refused decimal. */
    private static boolean set(double value) {
        return !Double.isNaN(value);
    }

    private static boolean set(long value) {
        return true;
    }

    private static boolean set(boolean value) {
        return true;
    }

    /**
     * received_at as the engine writes it ({@code 2026-11-24T10:15:03.123456Z}), read by hand with
     * the second cached; any other form is left to Instant.parse on the general way.
     */
    private boolean receivedAt(String text) {
        if (text.length() != 27 || text.charAt(19) != '.' || text.charAt(26) != 'Z') {
            return false;
        }
        long second;
        if (text.regionMatches(0, lastSecondText, 0, 19) && lastSecondText.length() == 19) {
            second = lastSecond;
        } else {
            if (text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
                    || text.charAt(16) != ':') {
                return false;
            }
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 2);
            int day = digits(text, 8, 2);
            int hour = digits(text, 11, 2);
            int minute = digits(text, 14, 2);
            int sec = digits(text, 17, 2);
            if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || sec < 0) {
                return false;
            }
            try {
                second = LocalDateTime.of(year, month, day, hour, minute, sec).toEpochSecond(ZoneOffset.UTC);
            } catch (DateTimeException e) {
                return false;
            }
            lastSecondText = text.substring(0, 19);
            lastSecond = second;
        }
        int micros = digits(text, 20, 6);
        if (micros < 0) {
            return false;
        }
        receivedAt = Instant.ofEpochSecond(second, micros * 1_000L);
        return true;
    }

    /** The decimal number of {@code count} ASCII digits at {@code from}, or -1 when one is not a digit. */
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}

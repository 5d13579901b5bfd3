package io.klinepipeline.exchange;

import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Each exchange's real messages, as its documents show them, for a given minute: the valid input
 * both fuzzers start from (ExchangeParsersFuzzTest mutates them, the Jazzer targets take them as
 * their seed corpus).
 */
public interface DocumentedMessages {
    /** One WebSocket frame of the stream: a candle update most of the time, else an ack, a heartbeat, an error. */
    String frame(Instant minute, long n, SplittableRandom random);

    /** One REST response body (for Kraken, now and then a Trades page). */
    String restBody(Instant minute, SplittableRandom random);

    /** The stream's symbol the messages are for, in the exchange's notation. */
    String symbol();

    /** The documented messages of the exchange named. */
    static DocumentedMessages of(String exchange) {
        DocumentedMessages messages = BY_EXCHANGE.get(exchange);
        if (messages == null) {
            throw new IllegalArgumentException("no documented messages for exchange '" + exchange + "'");
        }
        return messages;
    }

    Map<String, DocumentedMessages> BY_EXCHANGE = Map.of(
            "binance", new DocumentedMessages() {
                public String symbol() {
                    return "BTCUSDT";
                }

                public String frame(Instant minute, long n, SplittableRandom random) {
                    long t = minute.toEpochMilli();
                    return switch (random.nextInt(8)) {
                        case 0 -> "{\"result\":null,\"id\":1}";
                        case 1 -> "{\"e\":\"serverShutdown\",\"E\":" + t + "}";
                        case 2 -> "{\"id\":1,\"error\":{\"code\":2,\"msg\":\"Invalid request\"}}";
                        default -> "{\"e\":\"kline\",\"E\":" + (t + 2000) + ",\"s\":\"BTCUSDT\",\"k\":{\"t\":" + t + ",\"T\":" + (t + 59_999)
                                + ",\"s\":\"BTCUSDT\",\"i\":\"1m\",\"f\":1,\"L\":9,\"o\":\"100.5\",\"c\":\"101.25\",\"h\":\"102\","
                                + "\"l\":\"99.75\",\"v\":\"2\",\"n\":9,\"x\":" + random.nextBoolean()
                                + ",\"q\":\"201\",\"V\":\"0\",\"Q\":\"0\",\"B\":\"0\"}}";
                    };
                }

                public String restBody(Instant minute, SplittableRandom random) {
                    long t = minute.toEpochMilli();
                    return "[[" + t + ",\"100\",\"102\",\"99\",\"101\",\"2\"," + (t + 59_999) + ",\"201\",9,\"1\",\"100\",\"0\"],["
                            + (t + 60_000) + ",\"101\",\"103\",\"100\",\"102\",\"0\"," + (t + 119_999) + ",\"0\",0,\"0\",\"0\",\"0\"]]";
                }
            },
            "coinbase", new DocumentedMessages() {
                public String symbol() {
                    return "BTC-USD";
                }

                public String frame(Instant minute, long n, SplittableRandom random) {
                    String at = minute.plusSeconds(random.nextInt(60)).toString();
                    return switch (random.nextInt(8)) {
                        case 0 -> "{\"channel\":\"heartbeats\",\"client_id\":\"\",\"timestamp\":\"" + at + "\",\"sequence_num\":" + n
                                + ",\"events\":[{\"current_time\":\"2026-11-24 10:15:00 +0000 UTC m=+91717.525857105\","
                                + "\"heartbeat_counter\":\"" + (1000 + n) + "\"}]}";
                        case 1 -> "{\"channel\":\"subscriptions\",\"client_id\":\"\",\"timestamp\":\"" + at + "\",\"sequence_num\":" + n
                                + ",\"events\":[{\"subscriptions\":{\"market_trades\":[\"BTC-USD\"],\"heartbeats\":[\"heartbeats\"]}}]}";
                        case 2 -> "{\"type\":\"error\",\"message\":\"failure to subscribe\",\"reason\":\"product not found\"}";
                        default -> "{\"channel\":\"market_trades\",\"client_id\":\"\",\"timestamp\":\"" + at + "\",\"sequence_num\":" + n
                                + ",\"events\":[{\"type\":\"" + (random.nextInt(5) == 0 ? "snapshot" : "update") + "\",\"trades\":["
                                + "{\"trade_id\":\"" + (2 * n) + "\",\"product_id\":\"BTC-USD\",\"price\":\"100.5\",\"size\":\"0.25\","
                                + "\"side\":\"BUY\",\"time\":\"" + at + "\"},"
                                + "{\"trade_id\":\"" + (2 * n + 1) + "\",\"product_id\":\"BTC-USD\",\"price\":\"101\",\"size\":\"1\","
                                + "\"side\":\"SELL\",\"time\":\"" + at + "\"}]}]}";
                    };
                }

                public String restBody(Instant minute, SplittableRandom random) {
                    long s = minute.getEpochSecond();
                    return "{\"candles\":[{\"start\":\"" + (s + 60) + "\",\"low\":\"99\",\"high\":\"102\",\"open\":\"100\",\"close\":\"101\","
                            + "\"volume\":\"2\"},{\"start\":\"" + s + "\",\"low\":\"98\",\"high\":\"101\",\"open\":\"99\",\"close\":\"100\","
                            + "\"volume\":\"0\"}]}";
                }
            },
            "kraken", new DocumentedMessages() {
                public String symbol() {
                    return "BTC/USD";
                }

                public String frame(Instant minute, long n, SplittableRandom random) {
                    return switch (random.nextInt(9)) {
                        case 0 -> "{\"channel\":\"heartbeat\"}";
                        case 1 -> "{\"method\":\"pong\",\"time_in\":\"2026-11-24T10:15:00.000000Z\",\"time_out\":\"2026-11-24T10:15:00.000100Z\"}";
                        case 2 -> "{\"method\":\"subscribe\",\"result\":{\"channel\":\"ohlc\",\"symbol\":\"BTC/USD\",\"interval\":1,"
                                + "\"snapshot\":true,\"warnings\":[\"timestamp is deprecated, use interval_begin\"]},\"success\":true,"
                                + "\"time_in\":\"2026-11-24T10:15:00.000000Z\",\"time_out\":\"2026-11-24T10:15:00.000100Z\"}";
                        case 3 -> "{\"channel\":\"status\",\"type\":\"update\",\"data\":[{\"api_version\":\"v2\","
                                + "\"connection_id\":18446744073709551615,\"system\":\"online\",\"version\":\"2.0.10\"}]}";
                        default -> "{\"channel\":\"ohlc\",\"type\":\"" + (random.nextInt(5) == 0 ? "snapshot" : "update")
                                + "\",\"timestamp\":\"" + minute.plusSeconds(31) + "\",\"data\":[{\"symbol\":\"BTC/USD\",\"open\":100.5,"
                                + "\"high\":102,\"low\":99.75,\"close\":101.25,\"trades\":9,\"volume\":2.5,\"vwap\":100.25,"
                                + "\"interval_begin\":\"" + minute + "\",\"interval\":1,\"timestamp\":\"" + minute.plusSeconds(60) + "\"}]}";
                    };
                }

                public String restBody(Instant minute, SplittableRandom random) {
                    long s = minute.getEpochSecond();
                    if (random.nextBoolean()) { // a Trades page, the source of minutes older than OHLC's 720
                        return "{\"error\":[],\"result\":{\"XXBTZUSD\":[[\"30243.40000\",\"0.34507674\"," + s + ".8277369,"
                                + "\"b\",\"m\",\"\",61044952],[\"30243.30000\",\"0.00376960\"," + (s + 1) + ".2804112,\"s\",\"l\",\"\","
                                + "61044953]],\"last\":\"1688671969993150842\"}}";
                    }
                    return "{\"error\":[],\"result\":{\"XXBTZUSD\":[[" + s + ",\"30306.1\",\"30306.2\",\"30305.7\",\"30305.7\","
                            + "\"30306.1\",\"3.39243896\",23],[" + (s + 60) + ",\"30304.5\",\"30304.5\",\"30300.0\",\"30300.0\",\"0.0\","
                            + "\"0.00000000\",0]],\"last\":" + s + "}}";
                }
            },
            "bybit", new DocumentedMessages() {
                public String symbol() {
                    return "BTCUSDT";
                }

                public String frame(Instant minute, long n, SplittableRandom random) {
                    long t = minute.toEpochMilli();
                    return switch (random.nextInt(8)) {
                        case 0 -> "{\"success\":true,\"ret_msg\":\"subscribe\",\"conn_id\":\"d30fdpbboasp1pjbe7r0\",\"op\":\"subscribe\"}";
                        case 1 -> "{\"success\":true,\"ret_msg\":\"pong\",\"conn_id\":\"d30fdpbboasp1pjbe7r0\",\"op\":\"ping\"}";
                        case 2 -> "{\"success\":false,\"ret_msg\":\"Invalid topic\",\"conn_id\":\"x\",\"op\":\"subscribe\"}";
                        default -> "{\"topic\":\"kline.1.BTCUSDT\",\"data\":[{\"start\":" + t + ",\"end\":" + (t + 59_999)
                                + ",\"interval\":\"1\",\"open\":\"100.5\",\"close\":\"101.25\",\"high\":\"102\",\"low\":\"99.75\","
                                + "\"volume\":\"2\",\"turnover\":\"201\",\"confirm\":" + random.nextBoolean() + ",\"timestamp\":" + (t + 1234)
                                + "}],\"ts\":" + (t + 1234) + ",\"type\":\"snapshot\"}";
                    };
                }

                public String restBody(Instant minute, SplittableRandom random) {
                    long t = minute.toEpochMilli();
                    return "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"category\":\"spot\",\"symbol\":\"BTCUSDT\",\"list\":["
                            + "[\"" + (t + 60_000) + "\",\"100\",\"102\",\"99\",\"101\",\"2\",\"201\"],"
                            + "[\"" + t + "\",\"100\",\"102\",\"99\",\"100\",\"0\",\"0\"]]},\"retExtInfo\":{},\"time\":" + (t + 90_000) + "}";
                }
            },
            "okx", new DocumentedMessages() {
                public String symbol() {
                    return "BTC-USDT";
                }

                public String frame(Instant minute, long n, SplittableRandom random) {
                    long t = minute.toEpochMilli();
                    return switch (random.nextInt(8)) {
                        case 0 -> "pong";
                        case 1 -> "{\"event\":\"subscribe\",\"arg\":{\"channel\":\"candle1m\",\"instId\":\"BTC-USDT\"},\"connId\":\"a4d3ae55\"}";
                        case 2 -> "{\"event\":\"error\",\"code\":\"60012\",\"msg\":\"Invalid request\",\"connId\":\"a4d3ae55\"}";
                        default -> "{\"arg\":{\"channel\":\"candle1m\",\"instId\":\"BTC-USDT\"},\"data\":[[\"" + t
                                + "\",\"100.5\",\"102\",\"99.75\",\"101.25\",\"2\",\"201\",\"201\",\"" + random.nextInt(2) + "\"]]}";
                    };
                }

                public String restBody(Instant minute, SplittableRandom random) {
                    long t = minute.toEpochMilli();
                    return "{\"code\":\"0\",\"msg\":\"\",\"data\":[[\"" + (t + 60_000) + "\",\"100\",\"102\",\"99\",\"101\",\"2\",\"201\","
                            + "\"201\",\"0\"],[\"" + t + "\",\"100\",\"102\",\"99\",\"100\",\"0\",\"0\",\"0\",\"1\"]]}";
                }
            });
}

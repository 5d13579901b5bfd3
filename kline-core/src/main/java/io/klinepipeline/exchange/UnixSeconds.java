package io.klinepipeline.exchange;

import java.time.Instant;

/**
 * Unix seconds as an exchange sends them, bounded: {@link Instant#ofEpochSecond} throws a
 * DateTimeException past about a billion years, which a parser must turn into a refusal with a
 * reason, not let escape. No exchange serves a time in the year 10000 or later.
 */
public final class UnixSeconds {
    /** 10000-01-01T00:00:00Z in unix seconds: the first time no exchange serves. */
    public static final long YEAR_10000 = 253_402_300_800L;

    private UnixSeconds() {}

    /**
     * @param what the field, for the refusal's message
     * @throws MalformedPayloadException if {@code seconds} is at or past the year 10000
     */
    public static Instant toInstant(long seconds, String what) throws MalformedPayloadException {
        if (seconds >= YEAR_10000) {
            throw new MalformedPayloadException(what + " " + seconds + " is not unix seconds");
        }
        return Instant.ofEpochSecond(seconds);
    }
}

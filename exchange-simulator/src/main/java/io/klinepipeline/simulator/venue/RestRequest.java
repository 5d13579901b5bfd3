package io.klinepipeline.simulator.venue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A REST request as the venue sees it: path and decoded query parameters. */
public record RestRequest(String path, Map<String, List<String>> query) {

    public Optional<String> param(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** A required parameter; a missing one is the client's error, answered with the venue's 400. */
    public String required(String name) {
        return param(name).orElseThrow(() -> new BadRequest("missing parameter " + name));
    }

    public Optional<Long> longParam(String name) {
        try {
            return param(name).map(Long::parseLong);
        } catch (NumberFormatException e) {
            throw new BadRequest("parameter " + name + " is not a whole number");
        }
    }

    /** The request is wrong; the venue answers it in its own error shape. */
    public static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public BadRequest(String message) {
            super(message);
        }
    }
}

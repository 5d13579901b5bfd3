package io.klinepipeline.simulator.venue;

import java.util.Map;

/** A REST answer: status, headers and a JSON body. */
public record RestResponse(int status, Map<String, String> headers, String body) {
    public static RestResponse ok(String body) {
        return new RestResponse(200, Map.of(), body);
    }

    public static RestResponse of(int status, String body) {
        return new RestResponse(status, Map.of(), body);
    }

    public RestResponse withHeaders(Map<String, String> extra) {
        java.util.Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.putAll(extra);
        return new RestResponse(status, Map.copyOf(all), body);
    }
}

package io.klinepipeline.pipes;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The one JSON mapper of the package; an ObjectMapper is thread-safe once configured. */
final class PipesJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private PipesJson() {
    }

    /** A short, single-line rendering of a JSON value for error messages. */
    static String abbreviate(Object value) {
        String text;
        try {
            text = MAPPER.writeValueAsString(value);
        } catch (Exception e) {
            text = String.valueOf(value);
        }
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}

package io.klinepipeline.workers.silver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.klinepipeline.workers.report.Offending;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * What a merge of one pair's window found that depends only on bronze and silver as the merge left
 * them, not on the time of the run: how many keys had a final row, the missing minutes (of a window
 * wholly due), and the checks on the window's silver rows. A merge mark keeps it as JSON
 * ({@link #toJson}), so that a rerun over unchanged inputs reports exactly what the merge did.
 *
 * @param candidates keys with at least one final bronze row
 * @param missing per configured exchange of the pair, in config order
 */
record WindowFindings(long candidates, Map<String, Offending<Instant>> missing, Offending<DuplicateKey> duplicateKeys,
        Offending<SilverRow> inconsistentRows, int venues, List<VenueDivergence> divergentVenues, double maxCloseDivergence,
        List<SilverRow> latest) {

    private static final ObjectMapper JSON = new ObjectMapper();

    WindowFindings {
        missing = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(missing));
        divergentVenues = List.copyOf(divergentVenues);
        latest = List.copyOf(latest);
    }

    SilverChecks checks(SilverFreshness freshness) {
        return new SilverChecks(duplicateKeys, inconsistentRows, venues, divergentVenues, maxCloseDivergence, latest, freshness);
    }

    String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("candidates", candidates);
        // An array, not an object: jsonb keeps an object's keys in an order of its own, and this is config order.
        ArrayNode byExchange = root.putArray("missing");
        missing.forEach((exchange, minutes) -> byExchange.add(offending(minutes, (n, m) -> n.add(m.toString())).put("exchange", exchange)));
        root.set("duplicate_keys", offending(duplicateKeys, (n, k) -> n.addObject().put("exchange", k.exchange())
                .put("interval_seconds", k.intervalSeconds()).put("interval_start", k.intervalStart().toString()).put("rows", k.rows())));
        root.set("inconsistent_rows", offending(inconsistentRows, WindowFindings::addRow));
        root.put("venues", venues);
        ArrayNode divergent = root.putArray("divergent_venues");
        for (VenueDivergence v : divergentVenues) {
            ObjectNode node = divergent.addObject().put("exchange", v.exchange()).put("minutes", v.minutes())
                    .put("max_divergence", v.maxDivergence());
            ArrayNode minutes = node.putArray("first_minutes");
            v.firstMinutes().forEach(m -> minutes.add(m.toString()));
        }
        root.put("max_close_divergence", maxCloseDivergence);
        ArrayNode rows = root.putArray("latest");
        latest.forEach(r -> addRow(rows, r));
        return root.toString();
    }

    static WindowFindings fromJson(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("silver.merge_marks holds a report that is not JSON: " + e.getMessage(), e);
        }
        Map<String, Offending<Instant>> missing = new LinkedHashMap<>();
        root.path("missing").forEach(e -> missing.put(e.path("exchange").asText(), offending(e, n -> Instant.parse(n.asText()))));
        List<VenueDivergence> divergent = new ArrayList<>();
        for (JsonNode v : root.path("divergent_venues")) {
            divergent.add(new VenueDivergence(v.path("exchange").asText(), v.path("minutes").asLong(),
                    v.path("max_divergence").asDouble(), list(v.path("first_minutes"), n -> Instant.parse(n.asText()))));
        }
        return new WindowFindings(root.path("candidates").asLong(), missing,
                offending(root.path("duplicate_keys"), n -> new DuplicateKey(n.path("exchange").asText(),
                        n.path("interval_seconds").asInt(), Instant.parse(n.path("interval_start").asText()), n.path("rows").asLong())),
                offending(root.path("inconsistent_rows"), WindowFindings::row),
                root.path("venues").asInt(), divergent, root.path("max_close_divergence").asDouble(),
                list(root.path("latest"), WindowFindings::row));
    }

    private static <T> ObjectNode offending(Offending<T> offending, BiConsumer<ArrayNode, T> add) {
        ObjectNode node = JSON.createObjectNode().put("count", offending.count());
        ArrayNode first = node.putArray("first");
        offending.first().forEach(item -> add.accept(first, item));
        return node;
    }

    private static <T> Offending<T> offending(JsonNode node, Function<JsonNode, T> read) {
        return new Offending<>(node.path("count").asLong(), list(node.path("first"), read));
    }

    private static <T> List<T> list(JsonNode array, Function<JsonNode, T> read) {
        List<T> items = new ArrayList<>();
        array.forEach(n -> items.add(read.apply(n)));
        return items;
    }

    // Doubles go through JSON as Jackson writes them (shortest repr that reads back to the same double),
    // NaN and infinities as their names, so a row read back is equal to the row written.
    private static void addRow(ArrayNode array, SilverRow r) {
        ObjectNode node = array.addObject().put("exchange", r.exchange()).put("interval_start", r.intervalStart().toString());
        putDouble(node, "open", r.open());
        putDouble(node, "high", r.high());
        putDouble(node, "low", r.low());
        putDouble(node, "close", r.close());
        putDouble(node, "volume", r.volume());
        node.put("source", r.source());
    }

    private static void putDouble(ObjectNode node, String name, double value) {
        if (Double.isFinite(value)) {
            node.put(name, value);
        } else {
            node.put(name, Double.toString(value));
        }
    }

    private static double readDouble(JsonNode node) {
        return node.isTextual() ? Double.parseDouble(node.asText()) : node.asDouble();
    }

    private static SilverRow row(JsonNode n) {
        return new SilverRow(n.path("exchange").asText(), Instant.parse(n.path("interval_start").asText()),
                readDouble(n.path("open")), readDouble(n.path("high")), readDouble(n.path("low")), readDouble(n.path("close")),
                readDouble(n.path("volume")), n.path("source").asText());
    }
}

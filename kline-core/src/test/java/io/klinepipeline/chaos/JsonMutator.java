package io.klinepipeline.chaos;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Inputs for fuzzing a parser: arbitrary text, and structure-aware mutations of a real, valid
 * message (a field removed, a value of the wrong type, huge or negative numbers, NaN, nested
 * garbage, odd unicode, the text truncated or wrapped in deep nesting), so that most inputs get
 * past the first checks and reach the deep ones.
 */
public final class JsonMutator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Strings that have broken parsers: numbers Java reads but JSON or BigDecimal do not, extreme times, odd unicode. */
    static final List<String> NASTY_TEXT = List.of("", " ", "NaN", "-NaN", "Infinity", "-Infinity", "1e400", "-1e400",
            "1e-400", "1e2147483648", "1E999999999", "-1E999999999", "1e-999999999", "1E-2000000000", "1E+2000000000", "-1", "-0", "-0.0", "0x1p3", "1d", "1_000",
            "99999999999999999999999999", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "2147483648",
            "4294967305", "1.5", "0.000000000000000000001", " 1", "1 ", "+1", "١٢٣", "true", "null", "\u0000", "\ud800",
            "\u202e", "日本", "😀", "\n", "\"", "\\", "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z",
            "+1000000000-01-01T00:00:00Z", "2026-11-24T10:15:00Z", "2026-11-24T10:15:00.5+14:00", "0000-01-01T00:00:00Z",
            "2026-11-24T10:15:60Z", "BTCUSDT", "BTC-USD", "BTC/USD", "../../etc/passwd", "snapshot", "update", "1m", "1", "0");

    private JsonMutator() {}

    /** Values of every JSON type, at their edges. */
    static JsonNode nastyValue(SplittableRandom random) {
        return switch (random.nextInt(22)) {
            case 0 -> NODES.numberNode(0);
            case 1 -> NODES.numberNode(-1);
            case 2 -> NODES.numberNode(1.5);
            case 3 -> NODES.numberNode(Long.MAX_VALUE);
            case 4 -> NODES.numberNode(Long.MIN_VALUE);
            case 5 -> NODES.numberNode(BigInteger.TWO.pow(64).add(BigInteger.valueOf(5)));
            case 6 -> NODES.numberNode(new BigDecimal("1e400"));
            case 7 -> NODES.numberNode(new BigDecimal("-1e400"));
            case 8 -> NODES.numberNode(new BigDecimal("1e-400"));
            case 9 -> NODES.numberNode(new BigDecimal("1e999999999"));
            case 10 -> NODES.numberNode(Integer.MAX_VALUE + 1L);
            case 11 -> NODES.numberNode(-0.5);
            case 12 -> NODES.booleanNode(random.nextBoolean());
            case 13 -> NODES.nullNode();
            case 14 -> NODES.objectNode();
            case 15 -> NODES.arrayNode();
            case 16 -> NODES.objectNode().set("x", NODES.arrayNode().add(NODES.objectNode()).add(NODES.nullNode()));
            case 17 -> NODES.arrayNode().add(NODES.arrayNode().add(NODES.arrayNode().add(1)));
            case 18 -> NODES.numberNode(1_000_000_000_000L + random.nextLong(1_000_000_000_000L)); // a plausible ms time
            case 19 -> NODES.numberNode(random.nextLong());
            case 20 -> NODES.textNode(randomText(random, 12));
            default -> NODES.textNode(NASTY_TEXT.get(random.nextInt(NASTY_TEXT.size())));
        };
    }

    /** Arbitrary text: mostly JSON-ish characters, some unicode, some lone surrogates and controls. */
    public static String randomText(SplittableRandom random, int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder out = new StringBuilder(length);
        String jsonish = "{}[]\":,0123456789.-+eE truefalsn\\/";
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            if (kind < 5) {
                out.append(jsonish.charAt(random.nextInt(jsonish.length())));
            } else if (kind < 8) {
                out.append((char) (0x20 + random.nextInt(0x5f)));
            } else if (kind == 8) {
                out.append((char) random.nextInt(0x20));
            } else {
                out.append((char) random.nextInt(Character.MAX_VALUE + 1));
            }
        }
        return out.toString();
    }

    /** One to four mutations of {@code valid}: of its JSON tree and its text, or only its text when it is not JSON (OKX's "pong"). */
    public static String mutate(String valid, SplittableRandom random) {
        JsonNode tree;
        try {
            tree = JSON.readTree(valid);
        } catch (JsonProcessingException e) {
            return mutateText(valid, random);
        }
        int treeMutations = 1 + random.nextInt(3);
        for (int i = 0; i < treeMutations; i++) {
            tree = mutateTree(tree, random);
        }
        String text;
        try {
            text = JSON.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a mutated tree", e);
        }
        return random.nextInt(3) == 0 ? mutateText(text, random) : text;
    }

    private static JsonNode mutateTree(JsonNode root, SplittableRandom random) {
        List<ContainerNode<?>> containers = new ArrayList<>();
        collect(root, containers);
        if (containers.isEmpty() || random.nextInt(20) == 0) {
            return nastyValue(random); // the whole message replaced by one value
        }
        ContainerNode<?> target = containers.get(random.nextInt(containers.size()));
        if (target instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            if (names.isEmpty() || random.nextInt(8) == 0) {
                object.set("unexpected" + random.nextInt(3), nastyValue(random));
                return root;
            }
            String name = names.get(random.nextInt(names.size()));
            switch (random.nextInt(4)) {
                case 0 -> object.remove(name);
                case 1 -> object.set(name, retype(object.get(name), random));
                default -> object.set(name, nastyValue(random));
            }
        } else if (target instanceof ArrayNode array) {
            if (array.isEmpty() || random.nextInt(8) == 0) {
                array.add(nastyValue(random));
                return root;
            }
            int index = random.nextInt(array.size());
            switch (random.nextInt(5)) {
                case 0 -> array.remove(index);
                case 1 -> array.set(index, retype(array.get(index), random));
                case 2 -> array.insert(index, array.get(index).deepCopy()); // a repeated element
                default -> array.set(index, nastyValue(random));
            }
        }
        return root;
    }

    /** The same value as another JSON type: "1.5" ↔ 1.5, a value ↔ a one-element array. */
    private static JsonNode retype(JsonNode value, SplittableRandom random) {
        if (value.isTextual()) {
            try {
                return NODES.numberNode(new BigDecimal(value.asText()));
            } catch (NumberFormatException e) {
                return NODES.arrayNode().add(value);
            }
        }
        if (value.isNumber()) {
            return NODES.textNode(value.asText());
        }
        if (value.isContainerNode() && random.nextBoolean()) {
            return NODES.textNode(value.toString());
        }
        return NODES.arrayNode().add(value);
    }

    private static void collect(JsonNode node, List<ContainerNode<?>> out) {
        if (node instanceof ContainerNode<?> container) {
            out.add(container);
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                collect(it.next(), out);
            }
        }
    }

    private static int indexOfDigit(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            if (Character.isDigit(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** Damage to the text itself: cut short, a character changed, or wrapped deeper than parsers allow. */
    static String mutateText(String text, SplittableRandom random) {
        switch (random.nextInt(6)) {
            case 5: {
                // An exponent no BigDecimal holds, after a digit: JSON allows it, Java's number types do not.
                int digit = indexOfDigit(text, random.nextInt(text.length() + 1));
                return digit < 0 ? text : text.substring(0, digit + 1) + (random.nextBoolean() ? "e4223372036854775807" : "e-99999999999")
                        + text.substring(digit + 1);
            }
            case 0:
                return text.substring(0, random.nextInt(text.length() + 1));
            case 1: {
                int at = random.nextInt(text.length() + 1);
                return text.substring(0, at) + randomText(random, 3) + text.substring(at);
            }
            case 2: {
                if (text.isEmpty()) {
                    return text;
                }
                int at = random.nextInt(text.length());
                return text.substring(0, at) + text.substring(at + 1);
            }
            case 3: {
                int depth = 1 + random.nextInt(random.nextBoolean() ? 20 : 2000);
                return "[".repeat(depth) + text + "]".repeat(depth);
            }
            default:
                return text + text; // two messages in one frame
        }
    }
}

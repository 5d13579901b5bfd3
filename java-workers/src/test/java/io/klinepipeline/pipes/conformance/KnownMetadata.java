package io.klinepipeline.pipes.conformance;

import io.klinepipeline.pipes.MetadataValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metadata the conformance suite expects on reported materializations and checks (its
 * {@code data/static/metadata.json}), built with the client's own factories so that each typed
 * factory is checked against what Dagster decodes.
 */
final class KnownMetadata {

    private KnownMetadata() {
    }

    static Map<String, MetadataValue> entries() {
        Map<String, Object> quux = new LinkedHashMap<>();
        quux.put("a", 1);
        quux.put("b", 2);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("quux", quux);
        json.put("corge", null);
        json.put("qux", List.of(1, 2, 3));
        json.put("foo", "bar");
        json.put("baz", 1);

        Map<String, MetadataValue> metadata = new LinkedHashMap<>();
        metadata.put("bool_true", MetadataValue.ofBool(true));
        metadata.put("bool_false", MetadataValue.ofBool(false));
        metadata.put("float", MetadataValue.ofFloat(0.1));
        metadata.put("int", MetadataValue.ofInt(1));
        metadata.put("url", MetadataValue.ofUrl("https://dagster.io"));
        metadata.put("path", MetadataValue.ofPath("/dev/null"));
        metadata.put("null", MetadataValue.ofNull());
        metadata.put("md", MetadataValue.ofMd("**markdown**"));
        metadata.put("json", MetadataValue.ofJson(json));
        metadata.put("text", MetadataValue.ofText("hello"));
        metadata.put("asset", MetadataValue.of("asset", "foo/bar"));
        metadata.put("dagster_run", MetadataValue.of("dagster_run", "db892d7f-0031-4747-973d-22e8b9095d9d"));
        metadata.put("notebook", MetadataValue.of("notebook", "notebook.ipynb"));
        return metadata;
    }
}

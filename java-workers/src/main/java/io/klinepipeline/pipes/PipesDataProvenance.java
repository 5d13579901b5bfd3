package io.klinepipeline.pipes;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The provenance Dagster recorded for an asset's latest materialization. */
public record PipesDataProvenance(String codeVersion, Map<String, String> inputDataVersions, boolean isUserProvided) {

    public PipesDataProvenance {
        inputDataVersions = inputDataVersions == null
                ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(inputDataVersions));
    }
}

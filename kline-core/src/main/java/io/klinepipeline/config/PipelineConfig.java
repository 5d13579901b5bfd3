package io.klinepipeline.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.klinepipeline.exchange.ExchangeRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * pipeline.yaml, read once and validated at start-up. The engine, the workers and the Dagster
 * project all read this one file; relative paths in it are relative to the file's own folder.
 */
public record PipelineConfig(
        Map<String, ExchangeConfig> exchanges, StorageConfig storage, PartitionsConfig partitions, EngineConfig engine,
        ChecksConfig checks) {

    public PipelineConfig {
        exchanges = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(exchanges));
    }

    /** Reads and validates a file; every problem is a ConfigException naming the key. */
    public static PipelineConfig load(Path file, ExchangeRegistry registry) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("pipeline config " + file + " does not exist (pass --config FILE)");
        } catch (IOException e) {
            throw new ConfigException("cannot read pipeline config " + file + ": " + e.getMessage(), e);
        }
        Path baseDir = file.toAbsolutePath().getParent();
        return parse(text, baseDir, registry);
    }

    /** Parses YAML text; relative paths resolve against baseDir. */
    public static PipelineConfig parse(String yaml, Path baseDir, ExchangeRegistry registry) {
        JsonNode root;
        try {
            // A key written twice is a mistake whichever value was meant: the later one must not silently win.
            root = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException("pipeline.yaml is not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ConfigException("pipeline.yaml is empty");
        }
        ConfigNode top = new ConfigNode(root, "").allowOnly("exchanges", "storage", "partitions", "engine", "checks");
        ConfigNode exchangesNode = top.child("exchanges");
        if (exchangesNode.isMissing() || exchangesNode.children().isEmpty()) {
            throw ConfigNode.error("exchanges", "must configure at least one exchange");
        }
        Map<String, ExchangeConfig> exchanges = new LinkedHashMap<>();
        exchangesNode.children().forEach((name, node) -> exchanges.put(name, ExchangeConfig.from(name, node, registry)));
        if (top.child("partitions").isMissing()) {
            throw ConfigNode.error("partitions.start", "is required");
        }
        return new PipelineConfig(
                exchanges,
                StorageConfig.from(top.child("storage"), baseDir.toAbsolutePath()),
                PartitionsConfig.from(top.child("partitions")),
                EngineConfig.from(top.child("engine")),
                ChecksConfig.from(top.child("checks")));
    }

    /** The exchange's section, or a ConfigException saying it is not configured. */
    public ExchangeConfig exchange(String name) {
        ExchangeConfig config = exchanges.get(name);
        if (config == null) {
            throw new ConfigException("exchange '" + name + "' is not configured in pipeline.yaml (configured: "
                    + String.join(", ", exchanges.keySet()) + ")");
        }
        return config;
    }

    /** The configured pair for exchange and native symbol, or a ConfigException. */
    public PairConfig pair(String exchange, String symbol) {
        ExchangeConfig config = exchange(exchange);
        return config.pair(symbol).orElseThrow(() -> new ConfigException("symbol '" + symbol + "' is not configured for "
                + exchange + " in pipeline.yaml (configured: "
                + String.join(", ", config.pairs().stream().map(PairConfig::symbol).toList()) + ")"));
    }

    /** Every (exchange, native symbol) listing this canonical pair, in config order. */
    public List<Listing> listings(CanonicalPair pair) {
        return exchanges.values().stream()
                .flatMap(e -> e.pairs().stream().filter(p -> p.canonical().equals(pair)).map(p -> new Listing(e.name(), p)))
                .toList();
    }

    /** One exchange's symbol for a canonical pair. */
    public record Listing(String exchange, PairConfig pair) {}

    public Optional<ExchangeConfig> findExchange(String name) {
        return Optional.ofNullable(exchanges.get(name));
    }
}

package io.klinepipeline.workers.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.klinepipeline.config.CanonicalPair;
import io.klinepipeline.config.ExchangeConfig;
import io.klinepipeline.config.PairConfig;
import io.klinepipeline.config.PipelineConfig;
import io.klinepipeline.config.StatusAddress;
import io.klinepipeline.exchange.ExchangeRegistry;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code describe}: pipeline.yaml as the workers read it, validated, as JSON on stdout, so that
 * other readers (the Dagster project) build on the same configuration instead of re-parsing it.
 */
@Command(name = "describe", mixinStandardHelpOptions = true,
        header = "Print the validated pipeline configuration as JSON.",
        description = {
            "Reads and validates pipeline.yaml as every worker does (symbols, canonical pairs, partition start) and prints, as one JSON document on stdout: the exchanges with their pairs (native symbol, canonical BASE-QUOTE pair, base, quote, the exchange's preferred source), every canonical pair with the exchanges listing it, partitions.start, engine.roll_max_age_seconds (with its default when absent), engine.status_url (the engine's /health and /metrics as reached from this machine; null when engine.status_address is off or port 0), the bounds the asset checks warn at (checks) and the worker's version. Needs no database. An invalid file exits with code 2, naming the key.",
            "",
            "Example: kline-worker --config pipeline.yaml describe"})
final class DescribeCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @ParentCommand
    KlineWorker root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ExchangeRegistry registry = ExchangeRegistry.standard();
        PipelineConfig config = PipelineConfig.load(root.config, registry);
        ObjectNode out = JSON.createObjectNode();
        ArrayNode exchanges = out.putArray("exchanges");
        Set<CanonicalPair> canonical = new LinkedHashSet<>();
        for (ExchangeConfig exchange : config.exchanges().values()) {
            ObjectNode e = exchanges.addObject().put("name", exchange.name())
                    .put("source_precedence", registry.get(exchange.name()).sourcePrecedence().name().toLowerCase(java.util.Locale.ROOT));
            ArrayNode pairs = e.putArray("pairs");
            for (PairConfig pair : exchange.pairs()) {
                pairs.addObject().put("symbol", pair.symbol()).put("canonical", pair.canonical().toString())
                        .put("base", pair.canonical().base()).put("quote", pair.canonical().quote());
                canonical.add(pair.canonical());
            }
        }
        ArrayNode pairs = out.putArray("canonical_pairs");
        for (CanonicalPair pair : canonical) {
            ArrayNode listings = pairs.addObject().put("pair", pair.toString()).putArray("listings");
            config.listings(pair).forEach(l -> listings.addObject().put("exchange", l.exchange()).put("symbol", l.pair().symbol()));
        }
        out.put("partitions_start", config.partitions().start().toString());
        // The assets' code_version: Dagster marks materializations of an older worker as stale.
        out.put("worker_version", WorkerVersion.current());
        // The engine's file age bound: how soon a file is finished, so what Dagster may expect of freshness.
        ObjectNode engine = out.putObject("engine").put("roll_max_age_seconds", config.engine().rollMaxAge().toSeconds());
        // Where Dagster's silence check reads the engine's /health: null when off, or when the port is chosen at start (0).
        engine.put("status_url", config.engine().statusAddress().filter(a -> a.port() != 0).map(DescribeCommand::statusUrl)
                .orElse(null));
        out.putObject("checks").put("max_dead_letter_share", config.checks().maxDeadLetterShare())
                .put("max_close_divergence", config.checks().maxCloseDivergence())
                .put("max_silver_lag_seconds", config.checks().maxSilverLag().toSeconds())
                .put("max_stream_silence_seconds", config.checks().maxStreamSilence().toSeconds());
        spec.commandLine().getOut().println(JSON.writeValueAsString(out));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The engine's status server as a client on this machine reaches it: a wildcard bind is reached on loopback. */
    static String statusUrl(StatusAddress address) {
        String host = switch (address.host()) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "0:0:0:0:0:0:0:0" -> "::1";
            default -> address.host();
        };
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.port();
    }
}

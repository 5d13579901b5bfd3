package io.klinepipeline.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The simulator writes each venue's formats from the venue's documentation, so that tests against
 * it check kline-core's parsers instead of echoing them: of kline-core it may use the clock it
 * shares with the engine, nothing else.
 */
class SimulatorStaysIndependentTest {
    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern PIPELINE_NAME = Pattern.compile("io\\.klinepipeline\\.(\\w+)");

    @Test
    void theSimulatorUsesNothingOfKlineCoreButTheClock() throws IOException {
        assertThat(SOURCES.resolve("io/klinepipeline/simulator")).as("the simulator's sources, from the module's folder").isDirectory();
        List<String> uses = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher name = PIPELINE_NAME.matcher(Files.readString(file));
                while (name.find()) {
                    if (!name.group(1).equals("simulator") && !name.group(1).equals("clock")) {
                        uses.add(SOURCES.relativize(file) + ": " + name.group());
                    }
                }
            }
        }
        assertThat(uses).as("kline-core packages other than io.klinepipeline.clock used by the simulator").isEmpty();
    }
}

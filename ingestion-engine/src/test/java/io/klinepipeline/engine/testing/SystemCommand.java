package io.klinepipeline.engine.testing;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A system command a test fixture runs (mount, umount, mkfs): its exit code and output, stderr included. */
record SystemCommand(int exitCode, String output) {

    boolean ok() {
        return exitCode == 0;
    }

    static SystemCommand run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new SystemCommand(-1, String.join(" ", command) + " did not finish in 30 s");
        }
        return new SystemCommand(process.exitValue(), output);
    }
}

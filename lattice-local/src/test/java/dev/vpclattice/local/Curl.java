package dev.vpclattice.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real curl against a local Lattice and returns its status and body. */
final class Curl {
    private Curl() {}

    /** A curl result. */
    record Result(int status, String body) {}

    /**
     * Runs {@code curl -sS --cacert PEM ARGS... URL} (no {@code --cacert} when {@code cacert} is null, for plain
     * HTTP) and parses the status appended by {@code -w}.
     */
    static Result run(Path cacert, String url, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30", "-w", "\n%{http_code}"));
        if (cacert != null) {
            command.addAll(List.of("--cacert", cacert.toString()));
        }
        command.addAll(List.of(args));
        command.add(url);
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(40, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("curl did not finish: " + command);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        int newline = text.lastIndexOf('\n');
        if (newline < 0) {
            throw new IllegalStateException("curl gave no status (exit " + process.exitValue() + "): " + err);
        }
        return new Result(Integer.parseInt(text.substring(newline + 1).trim()), text.substring(0, newline));
    }

    /** The arguments that sign like Lattice wants, with the given scope. */
    static List<String> sign(String scope, String accessKeyId, String secret) {
        return List.of(
                "--aws-sigv4",
                scope,
                "--user",
                accessKeyId + ":" + secret,
                "-H",
                "x-amz-content-sha256: UNSIGNED-PAYLOAD");
    }
}

package dev.vpclattice.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which HTTP client {@code LatticeClient.builder().build()} sends with when the caller names none, as a child JVM
 * shows it: inside a Lambda function ({@code AWS_LAMBDA_FUNCTION_NAME} set) with aws-crt-client on the class path, the
 * CRT client, said at DEBUG; anywhere else, or with a per-client trust or a JVM trust store, Apache 5.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LambdaDefaultHttpClientIT {
    private static final String CRT_JARS = "/software/amazon/awssdk/aws-crt-client/";
    private static final String CRT_CLIENT = " software.amazon.awssdk.http.crt.AwsCrtHttpClient ";
    private static final String APACHE5_CLIENT = " software.amazon.awssdk.http.apache5.Apache5HttpClient ";
    private static final String DEBUG_LINE =
            "In a Lambda function (AWS_LAMBDA_FUNCTION_NAME is set) with aws-crt-client";

    @TempDir
    Path dir;

    private record Probe(List<String> classes, String output) {
        boolean loaded(String className) {
            return classes.stream().anyMatch(l -> l.contains(className));
        }
    }

    private Probe run(Map<String, String> environment, List<String> leaveOut, List<String> jvmArguments, String... args)
            throws IOException, InterruptedException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> full = Arrays.asList(classPath.split(File.pathSeparator));
        for (String jar : leaveOut) {
            assertTrue(
                    full.stream().anyMatch(e -> e.replace('\\', '/').contains(jar)), "on the test class path: " + jar);
        }
        List<String> kept = full.stream()
                .filter(e ->
                        leaveOut.stream().noneMatch(jar -> e.replace('\\', '/').contains(jar)))
                .toList();
        Path logging = dir.resolve("logging.properties");
        Files.writeString(logging, """
                handlers=java.util.logging.ConsoleHandler
                java.util.logging.ConsoleHandler.level=FINE
                dev.vpclattice.level=FINE
                """);
        Path classLog = dir.resolve("classes-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + classLog,
                "-Dslf4j.provider=org.slf4j.jul.JULServiceProvider",
                "-Djava.util.logging.config.file=" + logging));
        command.addAll(jvmArguments);
        command.addAll(List.of("-cp", String.join(File.pathSeparator, kept), ClientProbeMain.class.getName()));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("AWS_LAMBDA_FUNCTION_NAME");
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output;
        try (var in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe JVM did not finish");
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("ANSWERED 200"), output);
        return new Probe(Files.readAllLines(classLog), output);
    }

    private static final Map<String, String> IN_LAMBDA = Map.of("AWS_LAMBDA_FUNCTION_NAME", "probe");

    @Test
    void inLambda_withTheCrtClientOnTheClassPath_sendsWithItAndSaysSoAtDebug() throws Exception {
        Probe probe = run(IN_LAMBDA, List.of(), List.of());

        assertTrue(probe.loaded(CRT_CLIENT), "the CRT client sent the call");
        assertFalse(probe.loaded(APACHE5_CLIENT), "Apache 5 was not even loaded");
        assertTrue(probe.output().contains(DEBUG_LINE), probe.output());
    }

    @Test
    void outsideLambda_keepsApache5() throws Exception {
        Probe probe = run(Map.of(), List.of(), List.of());

        assertTrue(probe.loaded(APACHE5_CLIENT));
        assertFalse(probe.loaded(CRT_CLIENT));
        assertFalse(probe.output().contains(DEBUG_LINE), probe.output());
    }

    @Test
    void inLambda_withoutTheCrtClient_keepsApache5() throws Exception {
        Probe probe = run(IN_LAMBDA, List.of(CRT_JARS), List.of());

        assertTrue(probe.loaded(APACHE5_CLIENT));
        assertFalse(probe.output().contains(DEBUG_LINE), probe.output());
    }

    @Test
    void inLambda_withAPerClientTrust_keepsApache5WhichAppliesIt() throws Exception {
        Path pem = selfSignedPem();

        Probe probe = run(IN_LAMBDA, List.of(), List.of(), "trustedCertificate=" + pem);

        assertTrue(probe.loaded(APACHE5_CLIENT));
        assertFalse(probe.loaded(CRT_CLIENT));
    }

    @Test
    void inLambda_withAJvmTrustStore_keepsApache5WhichReadsIt() throws Exception {
        Probe probe = run(
                IN_LAMBDA,
                List.of(),
                List.of("-Djavax.net.ssl.trustStore="
                        + Path.of(System.getProperty("java.home"), "lib", "security", "cacerts")));

        assertTrue(probe.loaded(APACHE5_CLIENT));
        assertFalse(probe.loaded(CRT_CLIENT));
    }

    /** A certificate from the JDK's keytool, exported as PEM. */
    private Path selfSignedPem() throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Path store = dir.resolve("probe.p12");
        Path pem = dir.resolve("probe.pem");
        for (List<String> command : List.of(
                List.of(
                        keytool.toString(),
                        "-genkeypair",
                        "-alias",
                        "probe",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=probe.invalid",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        store.toString(),
                        "-storepass",
                        "probe-only",
                        "-keypass",
                        "probe-only"),
                List.of(
                        keytool.toString(),
                        "-exportcert",
                        "-rfc",
                        "-alias",
                        "probe",
                        "-keystore",
                        store.toString(),
                        "-storepass",
                        "probe-only",
                        "-file",
                        pem.toString()))) {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, output);
        }
        return pem;
    }
}

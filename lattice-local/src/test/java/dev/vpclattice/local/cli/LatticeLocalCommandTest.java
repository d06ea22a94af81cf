package dev.vpclattice.local.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command's option handling, against an injected process environment. */
class LatticeLocalCommandTest {
    @Test
    void envNameAlone_readsTheInjectedEnvironment_notTheRealOne() {
        // A name the real environment of the test JVM does not have: only the injected map can supply it.
        String name = "LATTICE_LOCAL_TEST_ONLY_" + System.nanoTime();

        Map<String, String> environment =
                FunctionOptions.environment(java.util.List.of(name, "PLAIN=value"), Map.of(name, "injected-value"));

        assertEquals(Map.of(name, "injected-value", "PLAIN", "value"), environment);
    }

    @Test
    void envNameAlone_missingFromTheInjectedEnvironment_isRefusedByName() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> FunctionOptions.environment(java.util.List.of("PATH"), Map.of()));

        assertTrue(e.getMessage().contains("PATH") && e.getMessage().contains("not set"), e.getMessage());
    }

    private static String serveError(Map<String, String> environment, String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.util.List<String> command = new java.util.ArrayList<>(
                java.util.List.of("serve", "--function-dir", "/nonexistent-function-dir", "--handler", "x.Y"));
        command.addAll(java.util.List.of(args));
        int exit = new LatticeLocalCommand(
                        new java.io.PrintStream(out, true), new java.io.PrintStream(err, true), environment)
                .run(command.toArray(String[]::new));
        assertEquals(2, exit, err.toString());
        return err.toString();
    }

    @Test
    void serve_twoCredentialsWithOneAccessKey_isRefusedAtStart_namingBothEntries_withoutTheSecrets() {
        String err = serveError(
                Map.of(),
                "--credential",
                "AKIDTWICE:first-secret:arn:aws:iam::123456789012:user/a",
                "--session-credential",
                "AKIDTWICE:second-secret:token:arn:aws:iam::123456789012:user/b");
        String fromEnvironment = serveError(
                Map.of("AWS_ACCESS_KEY_ID", "AKIDENV", "AWS_SECRET_ACCESS_KEY", "env-secret"),
                "--credential",
                "AKIDENV:other-secret");

        assertTrue(
                err.contains("--session-credential #1 (access key 'AKIDTWICE') repeats the access key of"
                        + " --credential #1"),
                err);
        assertTrue(
                fromEnvironment.contains("repeats the access key of AWS_ACCESS_KEY_ID in the environment"),
                fromEnvironment);
        for (String secret :
                java.util.List.of("first-secret", "second-secret", "token", "env-secret", "other-secret")) {
            assertTrue(!err.contains(secret) && !fromEnvironment.contains(secret), secret);
        }
        assertTrue(!err.contains("/nonexistent-function-dir"), "refused before the function: " + err);
    }

    @Test
    void serve_principalThatIsNotAnIamArn_isRefusedAtStart_namingTheEntry() {
        String notArn = serveError(Map.of(), "--credential", "AKIDONE:secret-one:alice");
        String otherService = serveError(Map.of(), "--credential", "AKIDTWO:secret-two:arn:aws:s3:::bucket/alice");
        String allow = serveError(Map.of(), "--allow", "alice");

        assertTrue(
                notArn.contains("--credential #1 (access key 'AKIDONE'): the principal of access key 'AKIDONE'"
                        + " must be an IAM principal ARN"),
                notArn);
        assertTrue(!notArn.contains("alice"), "a value that is no ARN is not repeated: " + notArn);
        assertTrue(otherService.contains("not 'arn:aws:s3:::bucket/alice'"), otherService);
        assertTrue(allow.contains("--allow must be an IAM principal ARN"), allow);
    }

    /** Runs the command in-process: exit status, stdout, stderr. */
    private record Outcome(int exit, String out, String err) {}

    private static Outcome run(String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int exit = new LatticeLocalCommand(
                        new java.io.PrintStream(out, true), new java.io.PrintStream(err, true), Map.of())
                .run(args);
        return new Outcome(exit, out.toString(), err.toString());
    }

    @Test
    void exitCodes_helpAndVersion_areThoseOfTheCommandLine() {
        Outcome none = run();
        Outcome help = run("--help");
        Outcome helpWord = run("help");
        Outcome serveHelp = run("serve", "--help");
        Outcome version = run("version");
        Outcome unknown = run("serve", "--colour", "red");
        Outcome twice = run("serve", "--port", "1", "--port", "2", "--function-dir", ".", "--handler", "a.B");
        Outcome badValue = run("serve", "--auth-type", "maybe", "--function-dir", ".", "--handler", "a.B");
        Outcome unknownCommand = run("deploy");

        assertEquals(2, none.exit());
        assertTrue(none.out().startsWith("Usage: lattice-local"), none.out());
        assertEquals(0, help.exit());
        for (String flag : java.util.List.of(
                "--port",
                "--listener",
                "--auth-type",
                "--credential",
                "--session-credential",
                "--allow",
                "--canonical-path",
                "--host-name",
                "--cert-out",
                "--truststore-out",
                "--region",
                "--account-id",
                "--principal-org-id",
                "--principal-org-path",
                "--target-url",
                "--target-idle-timeout",
                "--event-version",
                "--event",
                "--function-dir",
                "--handler",
                "--env",
                "--timeout",
                "--jvm-arg")) {
            assertTrue(help.out().contains(flag), flag + " in " + help.out());
        }
        assertEquals(help.out(), helpWord.out());
        assertEquals(0, serveHelp.exit());
        assertTrue(serveHelp.out().startsWith("Usage: lattice-local serve"), serveHelp.out());
        assertEquals(0, version.exit());
        assertTrue(version.out().startsWith("lattice-local "), version.out());
        for (Outcome bad : java.util.List.of(unknown, twice, badValue, unknownCommand)) {
            assertEquals(2, bad.exit(), bad.err());
            assertTrue(bad.err().startsWith("lattice-local: "), bad.err());
            assertTrue(bad.err().contains("Run 'lattice-local --help' for the options."), bad.err());
        }
        assertTrue(unknown.err().contains("'--colour'"), unknown.err());
        assertTrue(twice.err().contains("'--port'"), twice.err());
        assertTrue(
                badValue.err().contains("--auth-type") && badValue.err().contains("NONE or AWS_IAM"), badValue.err());
    }

    @Test
    void serve_needsExactlyOneTarget_andNoFunctionOptionsForAnHttpOne() {
        Outcome none = run("serve");
        Outcome both = run("serve", "--target-url", "http://127.0.0.1:9", "--function-dir", ".", "--handler", "a.B");
        Outcome withEnv = run("serve", "--target-url", "http://127.0.0.1:9", "--env", "A=b", "--timeout", "5");
        Outcome withVersion = run("serve", "--target-url", "http://127.0.0.1:9", "--event-version", "V1");
        Outcome withPath = run("serve", "--target-url", "http://127.0.0.1:9/api");
        Outcome badVersion = run("serve", "--event-version", "V3", "--function-dir", ".", "--handler", "a.B");
        Outcome idleForFunction = run("serve", "--target-idle-timeout", "5", "--function-dir", ".", "--handler", "a.B");
        Outcome handlerOnly = run("serve", "--handler", "a.B");
        Outcome invokeWithoutDirectory = run("invoke", "--handler", "a.B");

        for (Outcome bad : java.util.List.of(
                none,
                both,
                withEnv,
                withVersion,
                withPath,
                badVersion,
                idleForFunction,
                handlerOnly,
                invokeWithoutDirectory)) {
            assertEquals(2, bad.exit(), bad.err());
            assertTrue(bad.err().startsWith("lattice-local: "), bad.err());
        }
        assertTrue(none.err().contains("--function-dir DIR with --handler HANDLER"), none.err());
        assertTrue(none.err().contains("--target-url URL"), none.err());
        assertTrue(both.err().contains("not both"), both.err());
        assertTrue(withEnv.err().contains("--env, --timeout applies to a function"), withEnv.err());
        assertTrue(withVersion.err().contains("--event-version applies to a function"), withVersion.err());
        assertTrue(withPath.err().contains("no path, query or fragment"), withPath.err());
        assertTrue(badVersion.err().contains("V1 or V2"), badVersion.err());
        assertTrue(idleForFunction.err().contains("--target-idle-timeout is for --target-url"), idleForFunction.err());
        assertTrue(handlerOnly.err().contains("missing: --function-dir"), handlerOnly.err());
        assertTrue(invokeWithoutDirectory.err().contains("--function-dir"), invokeWithoutDirectory.err());
    }
}

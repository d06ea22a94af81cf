package dev.vpclattice.client.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** What the signing tests of every HTTP client adapter share. */
public final class SigningFixtures {
    private SigningFixtures() {}

    /**
     * Returns a clock that moves a second further on every reading, so that each signature has its own date.
     *
     * @return the clock, starting a minute ago
     */
    public static Clock ticking() {
        AtomicLong seconds = new AtomicLong(Instant.now().getEpochSecond() - 60);
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochSecond(seconds.incrementAndGet());
            }
        };
    }

    /**
     * Returns the allowed principal's session credentials with another secret key: signatures Lattice refuses.
     *
     * @param allowed the credentials of the allowed principal (session credentials)
     * @return the provider of the wrong credentials
     */
    public static AwsCredentialsProvider wrongSecret(AwsCredentialsProvider allowed) {
        AwsSessionCredentials session = (AwsSessionCredentials) allowed.resolveCredentials();
        return StaticCredentialsProvider.create(AwsSessionCredentials.create(
                session.accessKeyId(), "not-the-secret-000000000000000000000000", session.sessionToken()));
    }

    /**
     * Returns what must reach no log line: the secret key and session token, and every signature the signers returned.
     *
     * @param allowed the credentials of the allowed principal (session credentials)
     * @param signers the signers the test used
     * @return the values
     */
    public static List<String> secretsAndSignatures(AwsCredentialsProvider allowed, RecordingSigner... signers) {
        AwsSessionCredentials session = (AwsSessionCredentials) allowed.resolveCredentials();
        List<String> secrets = new ArrayList<>(List.of(session.secretAccessKey(), session.sessionToken()));
        for (RecordingSigner signer : signers) {
            secrets.addAll(signer.secrets());
        }
        return secrets;
    }
}

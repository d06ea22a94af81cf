package dev.vpclattice.client.internal.discovery;

import dev.vpclattice.client.internal.LatticeInternalApi;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@code LatticeClient.Builder.service(...)} was given: a VPC Lattice service ARN, ID or name, told apart by
 * AWS's own rules.
 *
 * <p>From the VPC Lattice API model (botocore {@code vpc-lattice/2022-11-30/service-2.json}; the API reference's
 * GetService page says the same): {@code GetService}'s {@code serviceIdentifier} is "The ID or ARN of the service",
 * pattern {@code ((svc-[0-9a-z]{17})|(arn:[a-z0-9\-]+:vpc-lattice:[a-zA-Z0-9\-]+:\d{12}:service/svc-[0-9a-z]{17}))};
 * a service name ({@code ServiceName}) matches {@code (?!svc-)(?![-])(?!.*[-]$)(?!.*[-]{2})[a-z0-9-]+}, 3 to 40
 * characters, so no name starts with {@code svc-}. So: {@code arn:...} is an ARN, {@code svc-...} an ID, and anything
 * else a name, which only {@code ListServices} can find. IDs are not checked against the 17-character pattern, which
 * moto's mock does not follow; AWS answers an ID that does not exist, or is malformed, with an error.
 */
@LatticeInternalApi
public final class ServiceIdentifier {
    /** How the service is named. */
    public enum Kind {
        /** {@code arn:<partition>:vpc-lattice:<region>:<account>:service/svc-...}. */
        ARN,
        /** {@code svc-...}. */
        ID,
        /** The name given at creation; unique within an account, but a shared service may bear the same one. */
        NAME
    }

    private final String value;
    private final Kind kind;
    private final String arnRegion;

    private ServiceIdentifier(String value, Kind kind, String arnRegion) {
        this.value = value;
        this.kind = kind;
        this.arnRegion = arnRegion;
    }

    /**
     * Reads an identifier.
     *
     * @param identifier a service ARN, ID or name
     * @return the identifier
     * @throws IllegalArgumentException if it is blank, or starts with {@code arn:} but is not the ARN of a VPC Lattice
     *     service
     */
    public static ServiceIdentifier parse(String identifier) {
        Objects.requireNonNull(identifier, "service");
        String value = identifier.strip();
        if (value.isEmpty()) {
            throw new IllegalArgumentException(
                    "service must be a VPC Lattice service ARN, ID (svc-...) or name, not" + " blank");
        }
        if (value.regionMatches(true, 0, "arn:", 0, 4)) {
            // arn:<partition>:vpc-lattice:<region>:<account>:service/<id>
            String[] parts = value.split(":", 6);
            if (parts.length != 6
                    || !parts[2].equals("vpc-lattice")
                    || parts[3].isEmpty()
                    || !parts[5].startsWith("service/svc-")) {
                throw new IllegalArgumentException("service '" + value + "' is not the ARN of a VPC Lattice service:"
                        + " expected arn:aws:vpc-lattice:<region>:<account>:service/svc-<id>");
            }
            return new ServiceIdentifier(value, Kind.ARN, parts[3]);
        }
        if (value.toLowerCase(Locale.ROOT).startsWith("svc-")) {
            return new ServiceIdentifier(value, Kind.ID, null);
        }
        return new ServiceIdentifier(value, Kind.NAME, null);
    }

    /** @return the identifier as given, without surrounding white space */
    public String value() {
        return value;
    }

    /** @return whether it is an ARN, an ID or a name */
    public Kind kind() {
        return kind;
    }

    /** @return the region an ARN names, or {@code null} for an ID or a name */
    public String arnRegion() {
        return arnRegion;
    }

    /** @return e.g. {@code VPC Lattice service name 'orders'}, for messages */
    @Override
    public String toString() {
        return "VPC Lattice service " + (kind == Kind.NAME ? "name" : kind.name()) + " '" + value + "'";
    }
}

package dev.vpclattice.client.internal.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ServiceIdentifierTest {

    @Test
    void parse_tellsArnIdAndNameApart_asAwssModelDoes() {
        ServiceIdentifier arn =
                ServiceIdentifier.parse(" arn:aws:vpc-lattice:eu-west-1:111122223333:service/svc-0123456789abcdef0 ");
        assertEquals(ServiceIdentifier.Kind.ARN, arn.kind());
        assertEquals("eu-west-1", arn.arnRegion());
        assertEquals("arn:aws:vpc-lattice:eu-west-1:111122223333:service/svc-0123456789abcdef0", arn.value());

        ServiceIdentifier id = ServiceIdentifier.parse("svc-0123456789abcdef0");
        assertEquals(ServiceIdentifier.Kind.ID, id.kind());
        assertNull(id.arnRegion());

        // A name cannot start with "svc-" (ServiceName's pattern), so anything else is a name.
        ServiceIdentifier name = ServiceIdentifier.parse("orders");
        assertEquals(ServiceIdentifier.Kind.NAME, name.kind());
        assertEquals("VPC Lattice service name 'orders'", name.toString());
        assertEquals("VPC Lattice service ID 'svc-0123456789abcdef0'", id.toString());
    }

    @Test
    void parse_refusesBlanksAndArnsOfOtherThings() {
        assertThrows(IllegalArgumentException.class, () -> ServiceIdentifier.parse("  "));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ServiceIdentifier.parse(
                        "arn:aws:vpc-lattice:us-east-1:111122223333:servicenetwork/sn-0123456789abcdef0"));
        assertTrue(e.getMessage().contains("is not the ARN of a VPC Lattice service"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> ServiceIdentifier.parse("arn:aws:lambda:us-east-1:111122223333:function:f"));
        assertThrows(NullPointerException.class, () -> ServiceIdentifier.parse(null));
    }
}

package dev.vpclattice.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LatticeCallerIdentityTest {
    static final Path EVENTS = Path.of(System.getProperty("basedir", "."))
            .resolve("../sample-events")
            .normalize();
    static final String PRINCIPAL = "arn:aws:sts::123456789012:assumed-role/orders-caller/session-1";
    static final String VPC = "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0123456789abcdef0";
    static final String SERVICE = "arn:aws:vpc-lattice:us-east-1:123456789012:service/svc-0123456789abcdef0";
    static final String NETWORK = "arn:aws:vpc-lattice:us-east-1:123456789012:servicenetwork/sn-0123456789abcdef0";
    static final String TARGET_GROUP = "arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-0123456789abcdef0";

    /** The four headers in the User Guide's current formats ("HTTP targets in VPC Lattice"). */
    static Map<String, String> userGuideHeaders() {
        Map<String, String> h = new HashMap<>();
        h.put(
                "x-amzn-lattice-identity",
                "Principal=" + PRINCIPAL
                        + ";PrincipalOrgID=o-abc123;PrincipalOrgPath=o-abc123/r-ab12/ou-ab12-11111111/;"
                        + "SessionName=session-1;X509Issuer/OU=Platform;X509SAN/DNS=client.example.com;"
                        + "X509SAN/NameCN=client-name;X509SAN/URI=spiffe://example.com/client;X509Subject/CN=client;"
                        + "FutureKey=later;");
        h.put(
                "x-amzn-lattice-identity-tags",
                "principal=" + PRINCIPAL + ";principalorgid=o-abc123;principalorgpath=o-abc123/r-ab12/;"
                        + "team=pay\\;ments;cost-center=;env=prod;");
        h.put("x-amzn-lattice-network", "SourceVpcArn=" + VPC);
        h.put(
                "x-amzn-lattice-target",
                "ServiceArn=" + SERVICE + ";ServiceNetworkArn=" + NETWORK + ";TargetGroupArn=" + TARGET_GROUP);
        return h;
    }

    @Test
    void fromHeaders_userGuideFormats_readEveryField() {
        LatticeCallerIdentity id = LatticeCallerIdentity.fromHeaders(userGuideHeaders()::get);

        assertTrue(id.isAuthenticated());
        assertEquals(Optional.of(PRINCIPAL), id.principal());
        assertEquals(Optional.of("o-abc123"), id.principalOrgId());
        assertEquals(
                Optional.of("o-abc123/r-ab12/ou-ab12-11111111/"), id.principalOrgPath(), "identity wins over tags");
        assertEquals(Optional.of("session-1"), id.sessionName());
        assertEquals(Optional.of("Platform"), id.x509IssuerOu());
        assertEquals(Optional.of("client.example.com"), id.x509SanDns());
        assertEquals(Optional.of("client-name"), id.x509SanNameCn());
        assertEquals(Optional.of("spiffe://example.com/client"), id.x509SanUri());
        assertEquals(Optional.of("client"), id.x509SubjectCn());
        assertEquals(Optional.of(VPC), id.sourceVpcArn());
        assertEquals(Optional.of(SERVICE), id.serviceArn());
        assertEquals(Optional.of(NETWORK), id.serviceNetworkArn());
        assertEquals(Optional.of(TARGET_GROUP), id.targetGroupArn());
        assertEquals(Optional.empty(), id.authType(), "HTTP targets' headers do not carry it");
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("team", "pay;ments");
        tags.put("cost-center", "");
        tags.put("env", "prod");
        assertEquals(tags, id.tags(), "escaped ';' unescaped, empty values kept, identity keys left out");
        assertEquals("later", id.attributes().get("FutureKey"), "a key AWS adds later is kept as sent");
        assertEquals(VPC, id.attributes().get("SourceVpcArn"));
    }

    @Test
    void fromHeaders_otherSpellingsOfTheKeys_areReadToo() {
        // The tags header's lower case, V2's camelCase, and Powertools' capitalised X509 names.
        Map<String, String> h = Map.of(
                "x-amzn-lattice-identity",
                "principal=" + PRINCIPAL + ";principalOrgId=o-ts;x509SanDns=dns.example.com;X509SubjectCn=cn;"
                        + "x509_issuer_ou=ou",
                "x-amzn-lattice-target",
                "servicearn=" + SERVICE);

        LatticeCallerIdentity id = LatticeCallerIdentity.fromHeaders(h::get);

        assertEquals(Optional.of(PRINCIPAL), id.principal());
        assertEquals(Optional.of("o-ts"), id.principalOrgId());
        assertEquals(Optional.of("dns.example.com"), id.x509SanDns());
        assertEquals(Optional.of("cn"), id.x509SubjectCn());
        assertEquals(Optional.of("ou"), id.x509IssuerOu());
        assertEquals(Optional.of(SERVICE), id.serviceArn());
    }

    @Test
    void fromHeaders_onlyTheTagsHeader_givesThePrincipalFromIt() {
        Map<String, String> h =
                Map.of("x-amzn-lattice-identity-tags", "principal=" + PRINCIPAL + ";principalorgid=o-t;team=a");

        LatticeCallerIdentity id = LatticeCallerIdentity.fromHeaders(h::get);

        assertEquals(Optional.of(PRINCIPAL), id.principal());
        assertEquals(Optional.of("o-t"), id.principalOrgId());
        assertEquals(Map.of("team", "a"), id.tags());
    }

    /**
     * Each header sets only its own fields: a key that belongs to another header (an application that copies a
     * client's header under a Lattice name, a proxy that rewrites one) must not authenticate anyone.
     */
    @Test
    void fromHeaders_aKeyInTheWrongHeader_setsNoField() {
        Map<String, String> h = Map.of(
                "x-amzn-lattice-target",
                "Principal=" + PRINCIPAL + ";SessionName=s;X509Subject/CN=cn;SourceVpcArn=" + VPC,
                "x-amzn-lattice-network",
                "principal=" + PRINCIPAL + ";PrincipalOrgID=o-1;ServiceArn=" + SERVICE,
                "x-amzn-lattice-identity",
                "SourceVpcArn=" + VPC + ";ServiceArn=" + SERVICE + ";TargetGroupArn=" + TARGET_GROUP,
                "x-amzn-lattice-identity-tags",
                "sessionname=s;servicearn=" + SERVICE + ";sourcevpcarn=" + VPC);

        LatticeCallerIdentity id = LatticeCallerIdentity.fromHeaders(h::get);

        assertFalse(id.isAuthenticated(), id.toString());
        assertEquals(Optional.empty(), id.principal());
        assertEquals(Optional.empty(), id.principalOrgId());
        assertEquals(Optional.empty(), id.sessionName());
        assertEquals(Optional.empty(), id.x509SubjectCn());
        assertEquals(Optional.empty(), id.sourceVpcArn());
        assertEquals(Optional.empty(), id.serviceArn());
        assertEquals(Optional.empty(), id.targetGroupArn());
        assertEquals("s", id.tags().get("sessionname"), "in the tags header, any other key is a principal tag");
        assertEquals(PRINCIPAL, id.attributes().get("Principal"), "attributes() stays raw, as documented");
    }

    @Test
    void fromHeaders_onlyTheTargetHeaderNamingAPrincipal_isNotAuthenticated() {
        LatticeCallerIdentity id = LatticeCallerIdentity.fromHeaders(
                Map.of("x-amzn-lattice-target", "Principal=" + PRINCIPAL + ";ServiceArn=" + SERVICE)::get);

        assertFalse(id.isAuthenticated());
        assertEquals(Optional.of(SERVICE), id.serviceArn(), "the target header's own key still counts");
    }

    @Test
    void fromHeaders_emptyValuesCountAsAbsent() {
        Map<String, String> h = Map.of("x-amzn-lattice-identity", "Principal=;SessionName=;PrincipalOrgID=o-1;");

        LatticeCallerIdentity id = LatticeCallerIdentity.fromHeaders(h::get);

        assertFalse(id.isAuthenticated());
        assertEquals(Optional.empty(), id.sessionName());
        assertEquals(Optional.of("o-1"), id.principalOrgId());
        assertEquals("", id.attributes().get("Principal"), "kept as sent in attributes()");
    }

    @Test
    void fromHeaders_unreadableHeaders_neverThrowAndKeepWhatCanBeRead() {
        Map<String, String> h = Map.of(
                "x-amzn-lattice-identity", "garbage;;=;\\;;Principal=" + PRINCIPAL + ";no equals here",
                "x-amzn-lattice-network", "\u0000\u00ff;SourceVpcArn",
                "x-amzn-lattice-target", "=====");

        LatticeCallerIdentity id = LatticeCallerIdentity.fromHeaders(h::get);

        assertEquals(Optional.of(PRINCIPAL), id.principal());
        assertEquals(Optional.empty(), id.sourceVpcArn());
        assertEquals(LatticeCallerIdentity.empty(), LatticeCallerIdentity.fromHeaders(name -> null));
    }

    @Test
    void fromHeaderMap_matchesNamesIgnoringCaseAndTakesTheFirstValue() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        userGuideHeaders().forEach((k, v) -> headers.put(k.toUpperCase(Locale.ROOT), List.of(v, "Principal=second")));

        assertEquals(
                LatticeCallerIdentity.fromHeaders(userGuideHeaders()::get),
                LatticeCallerIdentity.fromHeaderMap(headers));
    }

    @Test
    void fromV2_everySpellingOfTheEventGivesTheSameFields() throws IOException {
        VpcLatticeEventCodec codec = new VpcLatticeEventCodec();
        LatticeCallerIdentity rust = LatticeCallerIdentity.fromV2(
                codec.readRequest(Files.readAllBytes(EVENTS.resolve("iam-identity-all-fields.json"))));
        LatticeCallerIdentity python = LatticeCallerIdentity.fromV2(
                codec.readRequest(Files.readAllBytes(EVENTS.resolve("iam-identity-powertools-python-spelling.json"))));

        assertTrue(rust.isAuthenticated());
        assertEquals(Optional.of("o-fakeorg0004"), rust.principalOrgId());
        assertEquals(Optional.of("client.example.com"), rust.x509SubjectCn());
        assertEquals(Optional.of("spiffe://example.com/ns/default/sa/client"), rust.x509SanUri());
        assertTrue(rust.sourceVpcArn().orElseThrow().startsWith("arn:aws:ec2:"));
        assertTrue(rust.serviceArn().orElseThrow().contains(":service/"));
        assertTrue(rust.targetGroupArn().orElseThrow().contains(":targetgroup/"));
        assertEquals(Optional.of("AWS_IAM"), rust.authType());
        assertEquals(Optional.of("python.example.com"), python.x509SubjectCn());
        assertEquals(Optional.of("Python Issuing OU"), python.x509IssuerOu());
        assertEquals(LatticeCallerIdentity.empty(), LatticeCallerIdentity.fromV2(new VpcLatticeV2Request()));
    }

    @Test
    void headersAndV2Event_sameCaller_giveEqualIdentities() {
        VpcLatticeV2Request event = new VpcLatticeV2Request();
        event.setRequestContext(new VpcLatticeV2Request.RequestContext());
        event.getRequestContext().setServiceArn(SERVICE);
        event.getRequestContext().setIdentity(new VpcLatticeV2Request.Identity());
        event.getRequestContext().getIdentity().setPrincipal(PRINCIPAL);
        event.getRequestContext().getIdentity().setSourceVpcArn(VPC);

        LatticeCallerIdentity fromHeaders = LatticeCallerIdentity.fromHeaders(Map.of(
                "x-amzn-lattice-identity", "Principal=" + PRINCIPAL,
                "x-amzn-lattice-network", "SourceVpcArn=" + VPC,
                "x-amzn-lattice-target", "ServiceArn=" + SERVICE)::get);
        LatticeCallerIdentity fromEvent = LatticeCallerIdentity.fromV2(event);

        assertEquals(fromEvent.principal(), fromHeaders.principal());
        assertEquals(fromEvent.sourceVpcArn(), fromHeaders.sourceVpcArn());
        assertEquals(fromEvent.serviceArn(), fromHeaders.serviceArn());
    }

    @Test
    void builder_toBuilderEqualsAndToString() {
        LatticeCallerIdentity id = LatticeCallerIdentity.builder()
                .principal(PRINCIPAL)
                .sessionName("")
                .tags(Map.of("secret-ish", "value-not-printed"))
                .build();

        assertEquals(id, id.toBuilder().build());
        assertEquals(id.hashCode(), id.toBuilder().build().hashCode());
        assertEquals(Optional.empty(), id.sessionName(), "empty is absent");
        assertFalse(id.toString().contains("value-not-printed"), id.toString());
        assertTrue(id.toString().contains(PRINCIPAL), id.toString());
        assertEquals("LatticeCallerIdentity{}", LatticeCallerIdentity.empty().toString());
    }
}

package dev.vpclattice.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vpclattice.lambda.local.SamMakefileBuild;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security-relevant properties of template.yaml after the SAM transform (aws-sam-translator, applied offline
 * by scripts/sam-transform.py in a python3 child process), read as CloudFormation would deploy them for given
 * parameter values; cfn-lint's verdict on it; and the artifact sam build gets for each architecture it offers.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TemplateIT {

    private static final Path ROOT = projectRoot();
    private static final String LATTICE_CIDR = "169.254.171.0/24";
    private static final String PREFIX_LIST = "pl-0123456789abcdef0";
    private static final Set<String> EXPECTED_MANAGED_POLICIES = Set.of(
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
            "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess");

    private static CloudFormationTemplate template;

    @BeforeAll
    static void transform() {
        Transform result = runTransform(ROOT.resolve("template.yaml"));
        if (result.exitCode != 0) {
            fail("scripts/sam-transform.py failed (exit " + result.exitCode + "): " + result.stderr);
        }
        template = CloudFormationTemplate.parse(result.stdout);
    }

    // ------------------------------------------------------------------ Lattice service and its access control

    @Test
    void service_byDefault_requiresIamAuthAndAllowsNone() {
        JsonNode deployed = template.deploy(Map.of());

        assertEquals(
                "AWS_IAM", deployed.at("/Parameters/ServiceAuthType/Default").asText());
        assertEquals(Set.of("AWS_IAM", "NONE"), texts(deployed.at("/Parameters/ServiceAuthType/AllowedValues")));
        JsonNode service = resource(deployed, "LatticeService", "AWS::VpcLattice::Service");
        assertEquals(ref("ServiceAuthType"), service.at("/Properties/AuthType"));
    }

    @Test
    void authPolicy_allowsOnlyTheClientFunctionRoleToInvokeThisService() {
        JsonNode deployed = template.deploy(Map.of());
        JsonNode policy = resource(deployed, "ServiceAuthPolicy", "AWS::VpcLattice::AuthPolicy");

        assertEquals(ref("LatticeService"), policy.at("/Properties/ResourceIdentifier"));
        JsonNode statements = policy.at("/Properties/Policy/Statement");
        assertEquals(1, statements.size(), "one statement: " + statements);
        JsonNode statement = statements.get(0);
        assertEquals("Allow", statement.get("Effect").asText());
        assertEquals(getAtt("ClientFunctionRole", "Arn"), statement.at("/Principal/AWS"));
        assertEquals("vpc-lattice-svcs:Invoke", statement.get("Action").asText());
        assertEquals(sub("${LatticeService.Arn}/*"), statement.get("Resource"));
        assertEquals(ref("Vpc"), statement.at("/Condition/StringEquals/vpc-lattice-svcs:SourceVpc"));
        // ...and that role is the one the client function runs as.
        JsonNode client = resource(deployed, "ClientFunction", "AWS::Lambda::Function");
        assertEquals(getAtt("ClientFunctionRole", "Arn"), client.at("/Properties/Role"));
        assertEquals(1, resourcesOfType(deployed, "AWS::VpcLattice::AuthPolicy").size());
    }

    @Test
    void authTypeNone_dropsTheAuthPolicyAndTheClientStopsSigning() {
        JsonNode iam = template.deploy(Map.of());
        JsonNode none = template.deploy(Map.of("ServiceAuthType", "NONE"));

        assertTrue(resourcesOfType(none, "AWS::VpcLattice::AuthPolicy").isEmpty());
        assertEquals("SIGV4", clientEnvironment(iam).get("LATTICE_SIGNING_MODE").asText());
        assertEquals("NONE", clientEnvironment(none).get("LATTICE_SIGNING_MODE").asText());
    }

    @Test
    void clientRole_mayInvokeOnlyThisServiceBesidesTheManagedBasics() {
        JsonNode role = resource(template.deploy(Map.of()), "ClientFunctionRole", "AWS::IAM::Role");

        assertEquals(EXPECTED_MANAGED_POLICIES, texts(role.at("/Properties/ManagedPolicyArns")));
        List<JsonNode> statements = new ArrayList<>();
        role.at("/Properties/Policies")
                .forEach(p -> p.at("/PolicyDocument/Statement").forEach(statements::add));
        assertEquals(1, statements.size(), "one inline statement: " + statements);
        JsonNode statement = statements.get(0);
        assertEquals("Allow", statement.get("Effect").asText());
        assertEquals("vpc-lattice-svcs:Invoke", statement.get("Action").asText());
        assertEquals(sub("${LatticeService.Arn}/*"), statement.get("Resource"));
    }

    @Test
    void serviceRole_hasOnlyTheManagedBasics() {
        JsonNode role = resource(template.deploy(Map.of()), "ServiceFunctionRole", "AWS::IAM::Role");

        assertEquals(EXPECTED_MANAGED_POLICIES, texts(role.at("/Properties/ManagedPolicyArns")));
        assertTrue(role.at("/Properties/Policies").isMissingNode(), "no inline policies: " + role);
        assertEquals(
                Set.of("ClientFunctionRole", "ServiceFunctionRole"),
                resourcesOfType(template.deploy(Map.of()), "AWS::IAM::Role").keySet());
    }

    // ------------------------------------------------------------------ listener, target group, alias, permission

    @Test
    void listener_isHttps443ForwardingToTheTargetGroup() {
        JsonNode listener = resource(template.deploy(Map.of()), "ServiceListener", "AWS::VpcLattice::Listener");

        assertEquals(ref("LatticeService"), listener.at("/Properties/ServiceIdentifier"));
        assertEquals("HTTPS", listener.at("/Properties/Protocol").asText());
        assertEquals(443, listener.at("/Properties/Port").asInt());
        JsonNode groups = listener.at("/Properties/DefaultAction/Forward/TargetGroups");
        assertEquals(1, groups.size());
        assertEquals(ref("ServiceTargetGroup"), groups.get(0).get("TargetGroupIdentifier"));
    }

    @Test
    void targetGroup_isLambdaWithV2EventsAndTargetsTheServiceAlias() {
        JsonNode deployed = template.deploy(Map.of());
        JsonNode group = resource(deployed, "ServiceTargetGroup", "AWS::VpcLattice::TargetGroup");

        assertEquals("LAMBDA", group.at("/Properties/Type").asText());
        assertEquals(
                "V2", group.at("/Properties/Config/LambdaEventStructureVersion").asText());
        JsonNode targets = group.at("/Properties/Targets");
        assertEquals(1, targets.size());
        assertEquals(ref(serviceAliasId(deployed)), targets.get(0).get("Id"));
    }

    @Test
    void snapStart_onPublishedVersionsOfBothFunctionsWithAliases() {
        JsonNode deployed = template.deploy(Map.of());

        for (String function : List.of("ServiceFunction", "ClientFunction")) {
            JsonNode properties =
                    resource(deployed, function, "AWS::Lambda::Function").get("Properties");
            assertEquals(
                    "PublishedVersions", properties.at("/SnapStart/ApplyOn").asText(), function);
        }
        JsonNode alias = resource(deployed, serviceAliasId(deployed), "AWS::Lambda::Alias");
        String versionId = alias.at("/Properties/FunctionVersion/Fn::GetAtt/0").asText();
        JsonNode version = resource(deployed, versionId, "AWS::Lambda::Version");
        assertEquals(ref("ServiceFunction"), version.at("/Properties/FunctionName"));
    }

    @Test
    void invokePermission_isOnTheAliasForVpcLatticeFromTheTargetGroupOnly() {
        JsonNode deployed = template.deploy(Map.of());
        Map<String, JsonNode> permissions = resourcesOfType(deployed, "AWS::Lambda::Permission");

        assertEquals(1, permissions.size(), "only the Lattice permission: " + permissions.keySet());
        JsonNode permission = permissions.values().iterator().next().get("Properties");
        assertEquals("lambda:InvokeFunction", permission.get("Action").asText());
        assertEquals("vpc-lattice.amazonaws.com", permission.get("Principal").asText());
        assertEquals(ref(serviceAliasId(deployed)), permission.get("FunctionName"));
        assertEquals(getAtt("ServiceTargetGroup", "Arn"), permission.get("SourceArn"));
    }

    @Test
    void associations_connectTheVpcAndTheServiceToTheNetwork() {
        JsonNode deployed = template.deploy(Map.of());

        JsonNode vpcAssociation = resource(
                        deployed, "ServiceNetworkVpcAssociation", "AWS::VpcLattice::ServiceNetworkVpcAssociation")
                .get("Properties");
        assertEquals(ref("ServiceNetwork"), vpcAssociation.get("ServiceNetworkIdentifier"));
        assertEquals(ref("Vpc"), vpcAssociation.get("VpcIdentifier"));
        assertEquals(List.of(ref("AssociationSecurityGroup")), list(vpcAssociation.get("SecurityGroupIds")));
        JsonNode serviceAssociation = resource(
                        deployed,
                        "ServiceNetworkServiceAssociation",
                        "AWS::VpcLattice::ServiceNetworkServiceAssociation")
                .get("Properties");
        assertEquals(ref("ServiceNetwork"), serviceAssociation.get("ServiceNetworkIdentifier"));
        assertEquals(ref("LatticeService"), serviceAssociation.get("ServiceIdentifier"));
        assertEquals(
                getAtt("ServiceNetworkServiceAssociation", "DnsEntry.DomainName"),
                clientEnvironment(deployed).get("LATTICE_ENDPOINT"));
    }

    // ------------------------------------------------------------------ security groups

    @Test
    void securityGroups_withoutPrefixListId_useTheLatticeCidr() {
        JsonNode deployed = template.deploy(Map.of());
        assertEquals("", deployed.at("/Parameters/LatticePrefixListId/Default").asText());

        JsonNode serviceIngress = onlyRule(deployed, "ServiceSecurityGroup", "SecurityGroupIngress");
        assertHttps(serviceIngress);
        assertEquals(LATTICE_CIDR, serviceIngress.path("CidrIp").asText());
        assertFalse(serviceIngress.has("SourcePrefixListId"));
        JsonNode clientEgress = onlyRule(deployed, "ClientSecurityGroup", "SecurityGroupEgress");
        assertHttps(clientEgress);
        assertEquals(LATTICE_CIDR, clientEgress.path("CidrIp").asText());
        assertFalse(clientEgress.has("DestinationPrefixListId"));
    }

    @Test
    void securityGroups_withPrefixListId_useThePrefixListInstead() {
        JsonNode deployed = template.deploy(Map.of("LatticePrefixListId", PREFIX_LIST));

        JsonNode serviceIngress = onlyRule(deployed, "ServiceSecurityGroup", "SecurityGroupIngress");
        assertHttps(serviceIngress);
        assertEquals(ref("LatticePrefixListId"), serviceIngress.get("SourcePrefixListId"));
        assertFalse(serviceIngress.has("CidrIp"));
        JsonNode clientEgress = onlyRule(deployed, "ClientSecurityGroup", "SecurityGroupEgress");
        assertHttps(clientEgress);
        assertEquals(ref("LatticePrefixListId"), clientEgress.get("DestinationPrefixListId"));
        assertFalse(clientEgress.has("CidrIp"));
    }

    @Test
    void securityGroups_serviceSendsNothingClientAcceptsNothingAssociationAdmitsTheVpc() {
        JsonNode deployed = template.deploy(Map.of());

        // CloudFormation replaces the default allow-all egress with the rules given; loopback matches no traffic.
        JsonNode serviceEgress = onlyRule(deployed, "ServiceSecurityGroup", "SecurityGroupEgress");
        assertEquals("127.0.0.1/32", serviceEgress.path("CidrIp").asText());
        JsonNode client = resource(deployed, "ClientSecurityGroup", "AWS::EC2::SecurityGroup");
        assertTrue(client.at("/Properties/SecurityGroupIngress").isMissingNode(), "no ingress: " + client);
        JsonNode associationIngress = onlyRule(deployed, "AssociationSecurityGroup", "SecurityGroupIngress");
        assertHttps(associationIngress);
        assertEquals(getAtt("Vpc", "CidrBlock"), associationIngress.get("CidrIp"));
        // Rules can also be separate resources; there are none that could widen the groups above.
        assertTrue(resourcesOfType(deployed, "AWS::EC2::SecurityGroupIngress").isEmpty());
        assertTrue(resourcesOfType(deployed, "AWS::EC2::SecurityGroupEgress").isEmpty());
    }

    @Test
    void securityGroups_theParameterAcceptsOnlyEmptyOrAPrefixListId() {
        JsonNode parameter = template.deploy(Map.of()).at("/Parameters/LatticePrefixListId");
        Pattern allowed = Pattern.compile(parameter.get("AllowedPattern").asText());

        assertTrue(allowed.matcher("").matches());
        assertTrue(allowed.matcher(PREFIX_LIST).matches());
        assertFalse(allowed.matcher(LATTICE_CIDR).matches());
        assertFalse(allowed.matcher("sg-0123456789abcdef0").matches());
    }

    // ------------------------------------------------------------------ functions and network

    @Test
    void functions_runTheChosenRuntimeWithActiveTracingJsonLogsInTheirOwnSubnetAndGroup() throws IOException {
        JsonNode deployed = template.deploy(Map.of());
        Map<String, List<String>> placement = Map.of(
                "ServiceFunction",
                        List.of("ServiceSubnet", "ServiceSecurityGroup", "dev.vpclattice.function.service.EchoHandler"),
                "ClientFunction",
                        List.of("ClientSubnet", "ClientSecurityGroup", "dev.vpclattice.function.client.ClientHandler"));

        placement.forEach((function, expected) -> {
            JsonNode properties =
                    resource(deployed, function, "AWS::Lambda::Function").get("Properties");
            assertEquals(ref("JavaRuntime"), properties.get("Runtime"), function);
            assertEquals(List.of(ref("Architectures")), list(properties.get("Architectures")), function);
            assertEquals("Active", properties.at("/TracingConfig/Mode").asText(), function);
            assertEquals("JSON", properties.at("/LoggingConfig/LogFormat").asText(), function);
            assertEquals(List.of(ref(expected.get(0))), list(properties.at("/VpcConfig/SubnetIds")), function);
            assertEquals(List.of(ref(expected.get(1))), list(properties.at("/VpcConfig/SecurityGroupIds")), function);
            assertEquals(expected.get(2), properties.get("Handler").asText(), function);
            assertTrue(properties.get("Timeout").asInt() <= 30, function + " timeout is short");
        });
        // The client bounds each call (LATTICE_CALL_TIMEOUT_SECONDS, default 20 s in ClientConfiguration) below the
        // function's timeout, so a slow service fails with the library's clear error rather than a Lambda timeout.
        JsonNode client =
                resource(deployed, "ClientFunction", "AWS::Lambda::Function").get("Properties");
        int callTimeout =
                client.at("/Environment/Variables/LATTICE_CALL_TIMEOUT_SECONDS").isMissingNode()
                        ? 20
                        : client.at("/Environment/Variables/LATTICE_CALL_TIMEOUT_SECONDS")
                                .asInt();
        assertTrue(
                client.get("Timeout").asInt() >= callTimeout + 5,
                "ClientFunction's timeout leaves no room after a " + callTimeout + " s call timeout");
        String source = Files.readString(ROOT.resolve("template.yaml"));
        assertEquals(
                1,
                Pattern.compile("(?m)^\\s*Runtime:").matcher(source).results().count(),
                "the runtime is declared once (Globals), not per function");
    }

    @Test
    void parameters_offerJava25ByDefaultAndJava21OnX86OrArm() {
        JsonNode parameters = template.deploy(Map.of()).get("Parameters");

        assertEquals("java25", parameters.at("/JavaRuntime/Default").asText());
        assertEquals(Set.of("java25", "java21"), texts(parameters.at("/JavaRuntime/AllowedValues")));
        assertEquals("x86_64", parameters.at("/Architectures/Default").asText());
        assertEquals(Set.of("x86_64", "arm64"), texts(parameters.at("/Architectures/AllowedValues")));
    }

    @Test
    void transform_acceptsEveryRuntimeAndArchitecture() {
        for (String runtime : List.of("java25", "java21")) {
            for (String architecture : List.of("x86_64", "arm64")) {
                Transform result = runTransform(
                        ROOT.resolve("template.yaml"), "JavaRuntime=" + runtime, "Architectures=" + architecture);

                assertEquals(0, result.exitCode, runtime + "/" + architecture + ": " + result.stderr);
                JsonNode client = CloudFormationTemplate.parse(result.stdout)
                        .deploy(Map.of("JavaRuntime", runtime, "Architectures", architecture))
                        .at("/Resources/ClientFunction/Properties");
                assertEquals(ref("JavaRuntime"), client.get("Runtime"));
            }
        }
    }

    @Test
    void cfnLint_reportsNothing_andWouldReportARuntimeLambdaDoesNotHave(@TempDir Path dir) throws IOException {
        Transform clean = runCfnLint(ROOT.resolve("template.yaml"));
        assertEquals(0, clean.exitCode, clean.stdout + clean.stderr);
        assertEquals("", clean.stdout.strip());

        // The control: the same template offering a runtime Lambda has not got fails the same check.
        Path wrong = dir.resolve("template.yaml");
        Files.writeString(
                wrong,
                Files.readString(ROOT.resolve("template.yaml"))
                        .replace("AllowedValues: [java25, java21]", "AllowedValues: [java25, java99]"));
        Transform flagged = runCfnLint(wrong);
        assertNotEquals(0, flagged.exitCode, flagged.stdout);
        assertTrue(flagged.stdout.contains("W1030") && flagged.stdout.contains("Properties/Runtime"), flagged.stdout);
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void clientArtifact_carriesTheCrtNativeLibraryOfEachArchitecture(@TempDir Path dir) throws IOException {
        JsonNode architectures = template.deploy(Map.of()).at("/Parameters/Architectures/AllowedValues");
        Map<String, Integer> elfMachine = Map.of("x86_64", 0x3E, "arm64", 0xB7);

        for (JsonNode allowed : architectures) {
            String architecture = allowed.asText();
            Path artifact = SamMakefileBuild.build(
                    ROOT,
                    "ClientFunction",
                    dir.resolve(architecture),
                    Duration.ofMinutes(10),
                    Map.of("LAMBDA_ARCHITECTURE", architecture));

            // lib/ holds the library the CRT loads directly, for this architecture (Lambda's LD_LIBRARY_PATH has it)...
            assertEquals(
                    elfMachine.get(architecture),
                    elfMachine(Files.readAllBytes(artifact.resolve("lib/libaws-crt-jni.so"))),
                    architecture);
            // ...and the jar both, for the CRT to unpack the right one if lib/'s does not fit.
            try (JarFile jar =
                    new JarFile(artifact.resolve("lib/client-function.jar").toFile())) {
                assertEquals(0x3E, elfMachine(jar, "linux/x86_64/glibc/libaws-crt-jni.so"));
                assertEquals(0xB7, elfMachine(jar, "linux/armv8/glibc/libaws-crt-jni.so"));
                List<String> natives = jar.stream()
                        .map(JarEntry::getName)
                        .filter(n -> n.endsWith(".so") || n.endsWith(".dylib") || n.endsWith(".dll"))
                        .toList();
                assertEquals(2, natives.size(), "no other platform's library: " + natives);
            }
        }
    }

    private static int elfMachine(JarFile jar, String entry) throws IOException {
        JarEntry found = jar.getJarEntry(entry);
        assertTrue(found != null, entry + " is in the jar");
        try (InputStream in = jar.getInputStream(found)) {
            return elfMachine(in.readNBytes(20));
        }
    }

    /** The e_machine field of an ELF header (little-endian, at offset 18). */
    private static int elfMachine(byte[] header) {
        assertTrue(
                header.length >= 20 && header[0] == 0x7f && header[1] == 'E' && header[2] == 'L' && header[3] == 'F',
                "an ELF file");
        return (header[18] & 0xff) | (header[19] & 0xff) << 8;
    }

    @Test
    void functions_areBuiltByMakefileTargetsThatExist() throws IOException {
        JsonNode deployed = template.deploy(Map.of());
        String makefile = Files.readString(ROOT.resolve("Makefile"));

        for (String function : List.of("ServiceFunction", "ClientFunction")) {
            JsonNode resource = resource(deployed, function, "AWS::Lambda::Function");
            assertEquals("makefile", resource.at("/Metadata/BuildMethod").asText(), function);
            assertTrue(
                    Pattern.compile("(?m)^build-" + function + ":")
                            .matcher(makefile)
                            .find(),
                    "Makefile has target build-" + function);
        }
    }

    @Test
    void network_hasTwoPrivateSubnetsInDifferentZonesAndNoWayOut() {
        JsonNode deployed = template.deploy(Map.of());

        JsonNode client = resource(deployed, "ClientSubnet", "AWS::EC2::Subnet").get("Properties");
        JsonNode service =
                resource(deployed, "ServiceSubnet", "AWS::EC2::Subnet").get("Properties");
        assertNotEquals(client.get("AvailabilityZone"), service.get("AvailabilityZone"));
        assertEquals(
                Set.of("ClientSubnet", "ServiceSubnet"),
                texts(resourcesOfType(deployed, "AWS::EC2::SubnetRouteTableAssociation").values().stream()
                        .map(a -> a.at("/Properties/SubnetId/Ref"))
                        .toList()));
        for (String type : List.of(
                "AWS::EC2::Route",
                "AWS::EC2::InternetGateway",
                "AWS::EC2::NatGateway",
                "AWS::EC2::VPCGatewayAttachment")) {
            assertTrue(resourcesOfType(deployed, type).isEmpty(), "no " + type);
        }
        assertTrue(
                resource(deployed, "Vpc", "AWS::EC2::VPC")
                        .at("/Properties/EnableDnsSupport")
                        .asBoolean(),
                "the client resolves the association's DNS name through the VPC resolver");
    }

    @Test
    void outputs_nameTheEndpointTheServiceAndBothFunctions() {
        JsonNode outputs = template.deploy(Map.of()).get("Outputs");

        assertEquals(
                getAtt("ServiceNetworkServiceAssociation", "DnsEntry.DomainName"),
                outputs.at("/AssociationDnsName/Value"));
        assertEquals(getAtt("LatticeService", "Arn"), outputs.at("/ServiceArn/Value"));
        assertEquals(ref("ServiceFunction"), outputs.at("/ServiceFunctionName/Value"));
        assertEquals(ref("ClientFunction"), outputs.at("/ClientFunctionName/Value"));
    }

    // ------------------------------------------------------------------ the helper itself

    @Test
    void samTransformScript_rejectsAnInvalidTemplateWithTheTranslatorsReason(@TempDir Path dir) throws IOException {
        Path invalid = dir.resolve("invalid.yaml");
        Files.writeString(invalid, """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: java21
                  Handler: example.Handler
            """);

        Transform result = runTransform(invalid);

        assertEquals(1, result.exitCode, result.stderr);
        assertTrue(result.stderr.contains("[Fn] is invalid"), result.stderr);
        assertEquals("", result.stdout);
    }

    // ------------------------------------------------------------------ helpers

    private record Transform(int exitCode, String stdout, String stderr) {}

    private static Transform runCfnLint(Path templateFile) {
        return run(List.of("cfn-lint", templateFile.toString()), "cfn-lint (pip install cfn-lint)");
    }

    private static Transform runTransform(Path templateFile, String... parameters) {
        List<String> command = new ArrayList<>(
                List.of("python3", ROOT.resolve("scripts/sam-transform.py").toString(), templateFile.toString()));
        command.addAll(List.of(parameters));
        return run(command, "python3 with aws-sam-translator (pip install aws-sam-translator)");
    }

    private static Transform run(List<String> command, String needed) {
        try {
            Path out = Files.createTempFile("sam-transform", ".json");
            Path err = Files.createTempFile("sam-transform", ".err");
            try {
                Process process;
                try {
                    process = new ProcessBuilder(command)
                            .redirectOutput(out.toFile())
                            .redirectError(err.toFile())
                            .start();
                } catch (IOException e) {
                    throw new AssertionError(needed + " is needed but could not be started: " + e.getMessage(), e);
                }
                if (!process.waitFor(90, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError(command.get(0) + " did not finish within 90 s");
                }
                return new Transform(
                        process.exitValue(),
                        Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
        }
    }

    private static Path projectRoot() {
        String configured = System.getProperty("project.root");
        Path root = (configured != null
                        ? Path.of(configured)
                        : Path.of("").toAbsolutePath().getParent())
                .normalize();
        if (!Files.isRegularFile(root.resolve("template.yaml"))) {
            throw new IllegalStateException("No template.yaml in the project root " + root
                    + " (set -Dproject.root to the repository directory)");
        }
        return root;
    }

    private static JsonNode resource(JsonNode deployed, String logicalId, String type) {
        JsonNode resource = deployed.path("Resources").path(logicalId);
        assertTrue(
                resource.isObject(),
                "resource " + logicalId + " exists; resources: "
                        + new TreeSet<>(
                                iterableToList(deployed.path("Resources").fieldNames())));
        assertEquals(type, resource.path("Type").asText(), logicalId + " type");
        return resource;
    }

    private static Map<String, JsonNode> resourcesOfType(JsonNode deployed, String type) {
        Map<String, JsonNode> found = new TreeMap<>();
        deployed.path("Resources").properties().forEach(e -> {
            if (type.equals(e.getValue().path("Type").asText())) {
                found.put(e.getKey(), e.getValue());
            }
        });
        return found;
    }

    /** The logical id SAM gave the service function's alias (AutoPublishAlias). */
    private static String serviceAliasId(JsonNode deployed) {
        List<String> aliases = resourcesOfType(deployed, "AWS::Lambda::Alias").entrySet().stream()
                .filter(e -> ref("ServiceFunction").equals(e.getValue().at("/Properties/FunctionName")))
                .map(Map.Entry::getKey)
                .toList();
        assertEquals(1, aliases.size(), "one alias of ServiceFunction: " + aliases);
        return aliases.get(0);
    }

    private static JsonNode clientEnvironment(JsonNode deployed) {
        return resource(deployed, "ClientFunction", "AWS::Lambda::Function").at("/Properties/Environment/Variables");
    }

    private static JsonNode onlyRule(JsonNode deployed, String group, String direction) {
        JsonNode rules = resource(deployed, group, "AWS::EC2::SecurityGroup").at("/Properties/" + direction);
        assertEquals(1, rules.size(), group + " has exactly one " + direction + " rule: " + rules);
        return rules.get(0);
    }

    private static void assertHttps(JsonNode rule) {
        assertEquals("tcp", rule.get("IpProtocol").asText(), rule.toString());
        assertEquals(443, rule.get("FromPort").asInt(), rule.toString());
        assertEquals(443, rule.get("ToPort").asInt(), rule.toString());
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode ref(String name) {
        return JSON.createObjectNode().put("Ref", name);
    }

    private static JsonNode getAtt(String resource, String attribute) {
        return JSON.createObjectNode()
                .set("Fn::GetAtt", JSON.createArrayNode().add(resource).add(attribute));
    }

    private static JsonNode sub(String text) {
        return JSON.createObjectNode().put("Fn::Sub", text);
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> elements = new ArrayList<>();
        array.forEach(elements::add);
        return elements;
    }

    private static Set<String> texts(JsonNode array) {
        return texts(list(array));
    }

    private static Set<String> texts(List<JsonNode> nodes) {
        Set<String> texts = new TreeSet<>();
        nodes.forEach(n -> texts.add(n.asText()));
        return texts;
    }

    private static <T> List<T> iterableToList(Iterator<T> iterator) {
        List<T> list = new ArrayList<>();
        iterator.forEachRemaining(list::add);
        return list;
    }
}

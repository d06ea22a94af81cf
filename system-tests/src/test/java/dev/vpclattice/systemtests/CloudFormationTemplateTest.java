package dev.vpclattice.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The condition evaluation that TemplateIT relies on to read the template "as deployed". */
@Timeout(10)
class CloudFormationTemplateTest {

    private static final String TEMPLATE = """
        {
          "Parameters": {
            "ListId": {"Type": "String", "Default": ""},
            "Mode": {"Type": "String", "Default": "A"},
            "NoDefault": {"Type": "String"}
          },
          "Conditions": {
            "HasList": {"Fn::Not": [{"Fn::Equals": [{"Ref": "ListId"}, ""]}]},
            "IsA": {"Fn::Equals": ["A", {"Ref": "Mode"}]},
            "Both": {"Fn::And": [{"Condition": "HasList"}, {"Condition": "IsA"}]},
            "Either": {"Fn::Or": [{"Condition": "HasList"}, {"Condition": "IsA"}]},
            "NeedsNoDefault": {"Fn::Equals": [{"Ref": "NoDefault"}, "x"]}
          },
          "Resources": {
            "Group": {"Type": "T", "Properties": {
              "Rules": [
                {"Fn::If": ["HasList", {"PrefixListId": {"Ref": "ListId"}}, {"CidrIp": "169.254.171.0/24"}]},
                {"Fn::If": ["Both", {"Extra": true}, {"Ref": "AWS::NoValue"}]}
              ],
              "Optional": {"Fn::If": ["IsA", {"Ref": "AWS::NoValue"}, "set"]},
              "Nested": {"Fn::If": ["Either", {"Fn::If": ["IsA", "a", "b"]}, "neither"]}
            }},
            "OnlyWithA": {"Type": "T", "Condition": "IsA"}
          },
          "Outputs": {"OnlyWithList": {"Condition": "HasList", "Value": 1}}
        }
        """;

    private final CloudFormationTemplate template = CloudFormationTemplate.parse(TEMPLATE);

    @Test
    void deploy_withDefaults_takesFalseBranchesAndDropsNoValue() {
        JsonNode deployed = template.deploy(Map.of());

        JsonNode group = deployed.at("/Resources/Group/Properties");
        assertEquals(1, group.get("Rules").size(), "the NoValue element is removed: " + group);
        assertEquals("169.254.171.0/24", group.at("/Rules/0/CidrIp").asText());
        assertFalse(group.has("Optional"), "the NoValue key is removed: " + group);
        assertEquals("a", group.get("Nested").asText());
        assertTrue(deployed.at("/Resources/OnlyWithA").isObject());
        assertTrue(deployed.path("Outputs").path("OnlyWithList").isMissingNode());
        assertFalse(deployed.has("Conditions"));
    }

    @Test
    void deploy_withOverrides_takesTrueBranchesAndDropsConditionalResources() {
        JsonNode deployed = template.deploy(Map.of("ListId", "pl-1", "Mode", "B"));

        JsonNode group = deployed.at("/Resources/Group/Properties");
        assertEquals("ListId", group.at("/Rules/0/PrefixListId/Ref").asText(), "Refs to parameters are kept as Refs");
        assertEquals(1, group.get("Rules").size());
        assertEquals("set", group.get("Optional").asText());
        assertEquals("b", group.get("Nested").asText());
        assertTrue(deployed.at("/Resources/OnlyWithA").isMissingNode());
        assertEquals(1, deployed.at("/Outputs/OnlyWithList/Value").asInt());
    }

    @Test
    void deploy_withAllConditionsTrue_keepsBothListElements() {
        JsonNode rules = template.deploy(Map.of("ListId", "pl-1")).at("/Resources/Group/Properties/Rules");

        assertEquals(2, rules.size());
        assertTrue(rules.at("/1/Extra").asBoolean());
    }

    @Test
    void deploy_whenAConditionNeedsAParameterWithoutValue_namesTheParameter() {
        CloudFormationTemplate needsValue = CloudFormationTemplate.parse("""
            {"Parameters": {"NoDefault": {"Type": "String"}},
             "Conditions": {"C": {"Fn::Equals": [{"Ref": "NoDefault"}, "x"]}},
             "Resources": {"R": {"Type": "T", "Condition": "C"}}}
            """);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> needsValue.deploy(Map.of()));
        assertTrue(e.getMessage().contains("NoDefault"), e.getMessage());
        assertTrue(
                needsValue.deploy(Map.of("NoDefault", "x")).at("/Resources/R").isObject());
    }

    @Test
    void parse_whenNotATemplate_saysSo() {
        assertThrows(IllegalArgumentException.class, () -> CloudFormationTemplate.parse("{\"a\": 1}"));
    }
}

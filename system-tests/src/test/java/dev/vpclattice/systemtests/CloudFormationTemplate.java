package dev.vpclattice.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A CloudFormation template (JSON, SAM transform already applied) and the part of CloudFormation's own
 * processing that decides what a deployment with given parameter values contains: parameter defaults,
 * {@code Conditions} ({@code Fn::Equals}, {@code Fn::Not}, {@code Fn::And}, {@code Fn::Or}, {@code Condition}),
 * {@code Fn::If}, {@code AWS::NoValue} and conditional resources and outputs. Other intrinsics
 * ({@code Ref} to resources, {@code Fn::GetAtt}, {@code Fn::Sub}) are left as they are.
 */
final class CloudFormationTemplate {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NO_VALUE = "AWS::NoValue";

    private final JsonNode template;

    private CloudFormationTemplate(JsonNode template) {
        this.template = template;
    }

    /**
     * Parses a template.
     *
     * @param json the template as JSON; required
     * @return the template
     * @throws UncheckedIOException if the text is not JSON
     * @throws IllegalArgumentException if it is JSON but not an object with {@code Resources}
     */
    static CloudFormationTemplate parse(String json) {
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("The transformed template is not JSON: " + abbreviate(json), e);
        }
        if (tree == null || !tree.path("Resources").isObject()) {
            throw new IllegalArgumentException(
                    "Not a CloudFormation template (no Resources object): " + abbreviate(json));
        }
        return new CloudFormationTemplate(tree);
    }

    /** Returns the template as parsed, conditions unresolved. */
    JsonNode raw() {
        return template;
    }

    /**
     * Returns the template as CloudFormation would deploy it with these parameter values: each {@code Fn::If}
     * replaced by the branch its condition selects, {@code Ref AWS::NoValue} removed with its key or list
     * element, resources and outputs whose condition is false removed, and the {@code Conditions} section dropped.
     *
     * @param overrides parameter values; a parameter not named here takes its {@code Default}
     * @return a new tree; the template itself is not changed
     * @throws IllegalArgumentException if a condition needs a parameter that has neither an override nor a
     *     default, names an unknown condition, or uses an intrinsic this class does not evaluate
     */
    JsonNode deploy(Map<String, String> overrides) {
        Evaluation evaluation = new Evaluation(overrides);
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> section : template.properties()) {
            switch (section.getKey()) {
                case "Conditions" -> {}
                case "Resources", "Outputs" -> {
                    ObjectNode kept = result.putObject(section.getKey());
                    section.getValue().properties().forEach(entry -> {
                        JsonNode condition = entry.getValue().get("Condition");
                        if (condition == null || evaluation.condition(condition.asText())) {
                            JsonNode resolved = evaluation.resolve(entry.getValue());
                            if (resolved != null) {
                                kept.set(entry.getKey(), resolved);
                            }
                        }
                    });
                }
                default -> result.set(section.getKey(), section.getValue().deepCopy());
            }
        }
        return result;
    }

    private final class Evaluation {
        private final Map<String, String> overrides;
        private final Map<String, Boolean> decided = new HashMap<>();

        Evaluation(Map<String, String> overrides) {
            this.overrides = overrides;
        }

        boolean condition(String name) {
            Boolean known = decided.get(name);
            if (known != null) {
                return known;
            }
            JsonNode definition = template.path("Conditions").get(name);
            if (definition == null) {
                throw new IllegalArgumentException("Unknown condition: " + name);
            }
            boolean value = evaluate(definition);
            decided.put(name, value);
            return value;
        }

        private boolean evaluate(JsonNode expression) {
            if (expression.isObject() && expression.size() == 1) {
                String function = expression.fieldNames().next();
                JsonNode args = expression.get(function);
                switch (function) {
                    case "Fn::Equals":
                        return scalar(args.get(0)).equals(scalar(args.get(1)));
                    case "Fn::Not":
                        return !evaluate(args.get(0));
                    case "Fn::And": {
                        boolean all = true;
                        for (JsonNode arg : args) {
                            all &= evaluate(arg);
                        }
                        return all;
                    }
                    case "Fn::Or": {
                        boolean any = false;
                        for (JsonNode arg : args) {
                            any |= evaluate(arg);
                        }
                        return any;
                    }
                    case "Condition":
                        return condition(args.asText());
                    default:
                        break;
                }
            }
            throw new IllegalArgumentException("Unsupported condition expression: " + expression);
        }

        private String scalar(JsonNode value) {
            if (value.isValueNode()) {
                return value.asText();
            }
            if (value.isObject() && value.size() == 1 && value.has("Ref")) {
                return parameter(value.get("Ref").asText());
            }
            throw new IllegalArgumentException("Unsupported value in a condition: " + value);
        }

        private String parameter(String name) {
            if (overrides.containsKey(name)) {
                return overrides.get(name);
            }
            JsonNode declared = template.path("Parameters").get(name);
            if (declared == null || !declared.has("Default")) {
                throw new IllegalArgumentException("Parameter " + name + " has no value and no Default");
            }
            return declared.get("Default").asText();
        }

        /** Returns the resolved copy of node, or null when it resolves to AWS::NoValue. */
        JsonNode resolve(JsonNode node) {
            if (node.isObject()) {
                if (node.size() == 1 && node.has("Fn::If")) {
                    JsonNode args = node.get("Fn::If");
                    return resolve(condition(args.get(0).asText()) ? args.get(1) : args.get(2));
                }
                if (node.size() == 1 && NO_VALUE.equals(node.path("Ref").asText(null))) {
                    return null;
                }
                ObjectNode copy = JsonNodeFactory.instance.objectNode();
                node.properties().forEach(field -> {
                    JsonNode value = resolve(field.getValue());
                    if (value != null) {
                        copy.set(field.getKey(), value);
                    }
                });
                return copy;
            }
            if (node.isArray()) {
                ArrayNode copy = JsonNodeFactory.instance.arrayNode();
                for (JsonNode element : node) {
                    JsonNode value = resolve(element);
                    if (value != null) {
                        copy.add(value);
                    }
                }
                return copy;
            }
            return node.deepCopy();
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}

package dev.vpclattice.benchmarks.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/** Parses {@code --name value} command-line options. */
public final class Options {
    private Options() {}

    /**
     * Parses options given as {@code --name value} pairs.
     *
     * @param args the arguments
     * @return the values by name, without the dashes
     * @throws IllegalArgumentException naming an argument that is not {@code --name} or lacks a value
     */
    public static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("Expected --name value pairs, got '" + args[i] + "'"
                        + (i + 1 >= args.length ? " without a value" : ""));
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    /**
     * Returns a required option.
     *
     * @param options the parsed options
     * @param name the option name without dashes
     * @return its value
     * @throws IllegalArgumentException naming the option when it is missing
     */
    public static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("Missing the required option --" + name);
        }
        return value;
    }
}

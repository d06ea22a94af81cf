package dev.vpclattice.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * lattice-bom has no parent (so the build's own pins do not reach users), so nothing but this test keeps it in step
 * with the build: same version, same AWS SDK version, and exactly the modules that are published (those that attach
 * sources and Javadoc), which scripts/published-modules reads for {@code make install} and {@code make release-check}.
 */
class BomTest {
    static final Path ROOT =
            Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();

    @Test
    void bom_hasNoParent_andTheBuildsVersionAndSdkVersion() throws Exception {
        Element parent = pom(ROOT.resolve("pom.xml"));
        Element bom = pom(ROOT.resolve("lattice-bom/pom.xml"));

        assertNull(child(bom, "parent"), "a parent's dependencyManagement would be imported with the BOM");
        assertEquals("pom", text(bom, "packaging"));
        assertEquals(text(parent, "groupId"), text(bom, "groupId"));
        assertEquals(text(parent, "version"), text(bom, "version"), "lattice-bom's version is the build's");
        for (String version : List.of("awssdk.version", "jackson.version", "xray.version")) {
            assertEquals(
                    text(child(parent, "properties"), version),
                    text(child(bom, "properties"), version),
                    "the BOM names the " + version + " the build compiles and tests against");
        }
        assertTrue(modules(parent).contains("lattice-bom"), "lattice-bom is built (and installed) with the rest");
    }

    @Test
    void bom_managesExactlyThePublishedModules_andImportsTheSdkAndJacksonBoms() throws Exception {
        Element bom = pom(ROOT.resolve("lattice-bom/pom.xml"));
        Set<String> managed = new TreeSet<>();
        List<String> imports = new ArrayList<>();
        Set<String> thirdParty = new TreeSet<>();
        for (Element dependency : children(child(child(bom, "dependencyManagement"), "dependencies"), "dependency")) {
            String coordinates = text(dependency, "groupId") + ":" + text(dependency, "artifactId");
            if ("import".equals(text(dependency, "scope"))) {
                imports.add(coordinates + ":" + text(dependency, "version"));
            } else if (!"dev.vpclattice".equals(text(dependency, "groupId"))) {
                thirdParty.add(coordinates);
            } else {
                assertEquals("dev.vpclattice", text(dependency, "groupId"), coordinates);
                assertEquals("${project.version}", text(dependency, "version"), coordinates);
                managed.add(text(dependency, "artifactId"));
            }
        }

        assertEquals(published(), managed, "the BOM lists the modules that publish sources and Javadoc");
        assertEquals(
                List.of(
                        "software.amazon.awssdk:bom:${awssdk.version}",
                        "com.fasterxml.jackson:jackson-bom:${jackson.version}"),
                imports);
        assertEquals(
                Set.of("com.amazonaws:aws-xray-recorder-sdk-core", "commons-logging:commons-logging"),
                thirdParty,
                "beyond the imports, the BOM pins only the optional X-Ray recorder's tree");
    }

    @Test
    void publishedModulesScript_listsTheBomAndWhatItManages() throws Exception {
        Process process = new ProcessBuilder(
                        ROOT.resolve("scripts/published-modules").toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, process.waitFor(), output);
        Set<String> listed = new TreeSet<>(Arrays.asList(output.split(",")));

        Set<String> expected = new TreeSet<>(published());
        expected.add("lattice-bom");
        assertEquals(expected, listed, "make install and make release-check publish what the BOM lists");
    }

    /** The modules whose POM declares both maven-source-plugin and maven-javadoc-plugin in build/plugins. */
    static Set<String> published() throws Exception {
        Set<String> published = new TreeSet<>();
        for (String module : modules(pom(ROOT.resolve("pom.xml")))) {
            Element pom = pom(ROOT.resolve(module).resolve("pom.xml"));
            Element build = child(pom, "build");
            Set<String> plugins = new TreeSet<>();
            if (build != null && child(build, "plugins") != null) {
                for (Element plugin : children(child(build, "plugins"), "plugin")) {
                    plugins.add(text(plugin, "artifactId"));
                }
            }
            boolean sources = plugins.contains("maven-source-plugin");
            boolean javadoc = plugins.contains("maven-javadoc-plugin");
            assertEquals(sources, javadoc, module + " attaches sources and Javadoc together or neither");
            if (sources) {
                published.add(text(pom, "artifactId"));
            }
        }
        assertFalse(published.isEmpty());
        return published;
    }

    static List<String> modules(Element pom) {
        return children(child(pom, "modules"), "module").stream()
                .map(Node::getTextContent)
                .map(String::trim)
                .toList();
    }

    static Element pom(Path file) throws Exception {
        Document document =
                DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        return document.getDocumentElement();
    }

    static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                found.add(element);
            }
        }
        return found;
    }

    static String text(Element parent, String name) {
        Element element = child(parent, name);
        return element == null ? null : element.getTextContent().trim();
    }
}

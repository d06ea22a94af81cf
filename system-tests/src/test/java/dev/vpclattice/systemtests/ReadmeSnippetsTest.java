package dev.vpclattice.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vpclattice.systemtests.ReadmeSnippets.Snippet;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How README blocks are found and classified; ReadmeSnippetsIT compiles and runs the real ones. */
class ReadmeSnippetsTest {
    static final Path README = Path.of("/repo/module/README.md");

    @Test
    void statementBlock_isWrappedWithTheImportSet_andRuns() {
        List<Snippet> snippets = ReadmeSnippets.extract(README, """
                # Title
                ```java
                var x = List.of(1);
                ```
                """);

        assertEquals(1, snippets.size());
        Snippet snippet = snippets.get(0);
        assertEquals(3, snippet.line(), "line of the first code line");
        assertFalse(snippet.compilationUnit());
        assertTrue(snippet.runs());
        assertEquals("ReadmeSnippet.java", snippet.sourcePath());
        assertTrue(snippet.source().contains("import java.util.*;"), snippet.source());
        String wrapped = snippet.source().lines().toList().get(snippet.sourceOffset());
        assertEquals("var x = List.of(1);", wrapped, "sourceOffset points at the block's first line");
        assertEquals(3, snippet.readmeLine(snippet.sourceOffset() + 1));
        assertEquals(-1, snippet.readmeLine(1), "an import line of the wrapper is no README line");
    }

    @Test
    void blockWithImports_isAWholeFile_namedAfterItsPublicType_andRunsOnlyWithMain() {
        List<Snippet> snippets = ReadmeSnippets.extract(README, """
                ```java
                package com.example;

                import java.util.List;

                public final class OrdersHandler {
                }
                ```

                ```Java
                import java.util.List;

                public class Main {
                    public static void main(String[] args) {
                    }
                }
                ```
                """);

        assertEquals(2, snippets.size());
        assertTrue(snippets.get(0).compilationUnit());
        assertEquals("com/example/OrdersHandler.java", snippets.get(0).sourcePath());
        assertFalse(snippets.get(0).runs(), "no main method");
        assertEquals(snippets.get(0).code(), snippets.get(0).source(), "compiled as it stands");
        assertEquals("Main", snippets.get(1).mainClass());
        assertTrue(snippets.get(1).runs());
    }

    @Test
    void wholeFileWithJUnitTestsAndNoMain_runsAsATestClass_namedAfterItsTopLevelClass() {
        List<Snippet> snippets = ReadmeSnippets.extract(README, """
                ```java
                package com.example.orders;

                import org.junit.jupiter.api.Test;

                class OrdersClientTest {
                    @Test
                    void works() {
                    }
                }
                ```

                ```java
                import org.junit.jupiter.api.Test;

                public class WithMain {
                    public static void main(String[] args) {
                    }
                }
                ```
                """);

        assertTrue(snippets.get(0).junitTestClass());
        assertTrue(snippets.get(0).runs());
        assertEquals("com/example/orders/OrdersClientTest.java", snippets.get(0).sourcePath());
        assertEquals("com.example.orders.OrdersClientTest", snippets.get(0).mainClass());
        assertFalse(snippets.get(1).junitTestClass(), "a main method decides how it runs");
        assertTrue(snippets.get(1).runs());
    }

    @Test
    void compileOnly_indentedBlocks_andOtherFences() {
        List<Snippet> snippets = ReadmeSnippets.extract(README, """
                - In a list:
                  ```java compile-only
                  int a = 1;
                    int b = 2;
                  ```
                ````markdown
                ```java
                not a snippet: shown inside another block
                ```
                ````
                ```xml
                <java/>
                ```
                ```` ```java ```` at the start of a line is inline code, not a fence
                ```java
                int c = 3;
                ```
                """);

        assertEquals(2, snippets.size());
        assertEquals("int a = 1;\n  int b = 2;\n", snippets.get(0).code());
        assertEquals("int c = 3;\n", snippets.get(1).code());
        assertEquals(Set.of("compile-only"), snippets.get(0).attributes());
        assertFalse(snippets.get(0).runs());
    }

    @Test
    void unknownAttribute_orUnclosedBlock_isAnError() {
        IllegalArgumentException typo = assertThrows(
                IllegalArgumentException.class,
                () -> ReadmeSnippets.extract(README, "```java compileonly\nint a;\n```\n"));
        IllegalArgumentException open = assertThrows(
                IllegalArgumentException.class, () -> ReadmeSnippets.extract(README, "text\n```java\nint a;\n"));

        assertTrue(
                typo.getMessage().contains("README.md:1: unknown snippet attribute 'compileonly'"), typo.getMessage());
        assertTrue(open.getMessage().contains("README.md:2: the ```java block is never closed"), open.getMessage());
    }
}

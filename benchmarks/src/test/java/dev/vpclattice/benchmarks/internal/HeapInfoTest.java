package dev.vpclattice.benchmarks.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HeapInfoTest {
    @Test
    void parse_jdk25SerialHeap_sumsBothGenerations() {
        HeapInfo heap = HeapInfo.parse("""
                16263:
                DefNew     total 116160K, used 31009K [0x0000000687400000, 0x000000068f200000, 0x0000000704d50000)
                 eden space 103296K,  30% used [0x0000000687400000, 0x0000000689248570, 0x000000068d8e0000)
                Tenured    total 258048K, used 1166K [0x0000000704d50000, 0x0000000714950000, 0x0000000800000000)
                """);
        assertEquals((31009L + 1166L) * 1024, heap.usedBytes());
        assertEquals(-1, heap.metaspaceBytes());
    }

    @Test
    void parse_jdk21SerialHeap_readsGenerationsAndMetaspace() {
        HeapInfo heap = HeapInfo.parse("""
                 def new generation   total 9792K, used 5422K [0x00000000e0000000, 0x00000000e0aa0000)
                  eden space 8704K,  62% used [0x00000000e0000000, 0x00000000e054b8f0, 0x00000000e0880000)
                 tenured generation   total 21888K, used 4567K [0x00000000eaaa0000, 0x00000000ec000000)
                 Metaspace       used 12345K, committed 12800K, reserved 1114112K
                """);
        assertEquals((5422L + 4567L) * 1024, heap.usedBytes());
        assertEquals(12345L * 1024, heap.metaspaceBytes());
    }

    @Test
    void parse_nothingRecognised_isUnknown() {
        assertEquals(new HeapInfo(-1, -1), HeapInfo.parse("12: error"));
    }
}

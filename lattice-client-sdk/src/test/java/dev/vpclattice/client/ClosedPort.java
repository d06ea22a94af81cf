package dev.vpclattice.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * A loopback port that refuses every connection for the life of the test JVM: a socket is bound to it and never
 * listens, so the kernel answers a connect with a reset, and no other socket (another test JVM's server included) can
 * take the port, as it could a port found free and closed again.
 */
final class ClosedPort {
    private static final SocketChannel RESERVED = reserve();

    private ClosedPort() {}

    /** @return the port, on {@code 127.0.0.1} */
    static int port() {
        try {
            return ((InetSocketAddress) RESERVED.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SocketChannel reserve() {
        try {
            SocketChannel channel = SocketChannel.open();
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return channel;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not reserve a loopback port", e);
        }
    }
}

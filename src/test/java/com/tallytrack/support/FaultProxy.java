package com.tallytrack.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP forwarder on a random loopback port in front of a real server (Redis, PostgreSQL), for fault-injection
 * tests. Modes:
 * <ul>
 * <li>{@link #pass()}: forwards both ways;</li>
 * <li>{@link #delay(long)}: forwards, sleeping that many milliseconds before each chunk (both ways);</li>
 * <li>{@link #blackhole()}: accepts connections and reads from both sides but forwards and answers nothing — a
 * partitioned network as the client sees it. Bytes read meanwhile are dropped, so a stream that lost bytes cannot
 * be resumed: its connections are closed when the mode changes back (as a long partition ends in a reset);</li>
 * <li>{@link #cut()}: closes every connection and refuses new ones (accepted and closed at once) until restored.</li>
 * </ul>
 * Each chunk is at most 16 KiB. Threads are daemons; {@link #close()} ends everything.
 */
public final class FaultProxy implements AutoCloseable {

    public enum Mode {
        PASS, DELAY, BLACKHOLE, CUT
    }

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong clientChunks = new AtomicLong();
    private volatile Mode mode = Mode.PASS;
    private volatile long delayMillis;
    private volatile boolean closed;

    public FaultProxy(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "fault-proxy-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The loopback port clients connect to. */
    public int port() {
        return server.getLocalPort();
    }

    public String host() {
        return server.getInetAddress().getHostAddress();
    }

    public Mode mode() {
        return mode;
    }

    /** Connections accepted so far (refused ones in {@code cut} mode included). */
    public long acceptedConnections() {
        return accepted.get();
    }

    /** Chunks read from clients so far (a test can wait until a request is in the proxy's hands). */
    public long clientChunks() {
        return clientChunks.get();
    }

    /** Open client connections now. */
    public int openConnections() {
        return links.size();
    }

    public FaultProxy pass() {
        return change(Mode.PASS, 0);
    }

    public FaultProxy delay(long millisPerChunk) {
        return change(Mode.DELAY, millisPerChunk);
    }

    public FaultProxy blackhole() {
        return change(Mode.BLACKHOLE, 0);
    }

    public FaultProxy cut() {
        change(Mode.CUT, 0);
        closeAll();
        return this;
    }

    private synchronized FaultProxy change(Mode next, long delay) {
        delayMillis = delay;
        mode = next;
        if (next != Mode.BLACKHOLE) {
            // streams that lost bytes while blackholed are beyond repair
            links.stream().filter(l -> l.lostBytes).forEach(Link::close);
        }
        return this;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            accepted.incrementAndGet();
            if (mode == Mode.CUT) {
                closeQuietly(client);
                continue;
            }
            Socket upstream = null;
            try {
                client.setTcpNoDelay(true);
                if (mode == Mode.BLACKHOLE) {
                    // a blackholed network never reaches the server: read and drop what the client sends
                    Link link = new Link(client, null);
                    links.add(link);
                    link.lostBytes = true;
                    start(link, client, null, "blackhole", true);
                    continue;
                }
                upstream = new Socket();
                upstream.connect(new InetSocketAddress(targetHost, targetPort), 5000);
                upstream.setTcpNoDelay(true);
                Link link = new Link(client, upstream);
                links.add(link);
                start(link, client, upstream, "up", true);
                start(link, upstream, client, "down", false);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
            }
        }
    }

    private void start(Link link, Socket from, Socket to, String direction, boolean fromClient) {
        Thread t = new Thread(() -> pump(link, from, to, fromClient), "fault-proxy-" + port() + "-" + direction);
        t.setDaemon(true);
        t.start();
    }

    private void pump(Link link, Socket from, Socket to, boolean fromClient) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to == null ? null : to.getOutputStream();
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                if (fromClient) {
                    clientChunks.incrementAndGet();
                }
                Mode now = mode;
                if (now == Mode.BLACKHOLE || out == null) {
                    link.lostBytes = true;
                    continue;
                }
                if (now == Mode.DELAY && delayMillis > 0) {
                    Thread.sleep(delayMillis);
                    if (mode == Mode.BLACKHOLE) {
                        link.lostBytes = true;
                        continue;
                    }
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the link ends
        } finally {
            link.close();
        }
    }

    private void closeAll() {
        links.forEach(Link::close);
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        closeAll();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
    }

    /** One client connection and its upstream connection (none when accepted while blackholed). */
    private final class Link {
        final Socket client;
        final Socket upstream;
        volatile boolean lostBytes;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void close() {
            links.remove(this);
            try {
                client.setSoLinger(true, 0); // a reset, as a dead peer's network would end it
            } catch (SocketException ignored) {
                // already closed
            }
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }
}

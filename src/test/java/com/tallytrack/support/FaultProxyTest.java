package com.tallytrack.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault proxy in front of a small echo server: pass, delay, blackhole and cut, and back to pass. */
class FaultProxyTest {

    private ServerSocket echo;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread e = new Thread(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException ignored) {
                            // the client went away
                        }
                    });
                    e.setDaemon(true);
                    e.start();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        proxy = new FaultProxy("127.0.0.1", echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(proxy.host(), proxy.port());
        s.setSoTimeout(3000);
        return s;
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
        byte[] back = s.getInputStream().readNBytes(bytes.length);
        return new String(back, StandardCharsets.UTF_8);
    }

    @Test
    void passForwardsBothWays() throws IOException {
        try (Socket s = connect()) {
            assertThat(roundTrip(s, "hello")).isEqualTo("hello");
            assertThat(roundTrip(s, "again")).isEqualTo("again");
        }
        assertThat(proxy.acceptedConnections()).isEqualTo(1);
    }

    @Test
    void delaySlowsEveryChunk() throws IOException {
        proxy.delay(300);
        try (Socket s = connect()) {
            long start = System.nanoTime();
            assertThat(roundTrip(s, "slow")).isEqualTo("slow");
            // one chunk each way: at least twice the delay (no upper bound: the machine may be loaded)
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(600);
        }
    }

    @Test
    void blackholeAcceptsButAnswersNothingAndItsBrokenStreamsAreClosedWhenItEnds() throws IOException {
        try (Socket before = connect()) {
            assertThat(roundTrip(before, "up")).isEqualTo("up");
            proxy.blackhole();
            before.setSoTimeout(500);
            assertThatThrownBy(() -> roundTrip(before, "lost")).isInstanceOf(SocketTimeoutException.class);
            try (Socket during = connect()) { // accepted, so a connect does not fail: nothing comes back
                during.setSoTimeout(500);
                assertThatThrownBy(() -> roundTrip(during, "void")).isInstanceOf(SocketTimeoutException.class);
                proxy.pass();
                during.setSoTimeout(3000);
                assertThat(during.getInputStream().read()).isEqualTo(-1);
            } catch (IOException reset) {
                // a reset is the other way a broken stream ends
            }
            before.setSoTimeout(3000);
            assertThatThrownBy(() -> {
                if (before.getInputStream().read() < 0) {
                    throw new IOException("closed");
                }
            }).isInstanceOf(IOException.class);
        }
        try (Socket after = connect()) {
            assertThat(roundTrip(after, "back")).isEqualTo("back");
        }
    }

    @Test
    void cutClosesEveryConnectionAndRefusesNewOnesUntilRestored() throws IOException {
        Socket open = connect();
        assertThat(roundTrip(open, "one")).isEqualTo("one");
        proxy.cut();
        assertThatThrownBy(() -> {
            if (open.getInputStream().read() < 0) {
                throw new IOException("closed");
            }
        }).isInstanceOf(IOException.class);
        open.close();
        try (Socket refused = connect()) {
            assertThatThrownBy(() -> {
                refused.getOutputStream().write(1);
                if (refused.getInputStream().read() < 0) {
                    throw new IOException("closed");
                }
            }).isInstanceOf(IOException.class);
        }
        assertThat(proxy.openConnections()).isZero();
        proxy.pass();
        try (Socket again = connect()) {
            assertThat(roundTrip(again, "two")).isEqualTo("two");
        }
    }
}

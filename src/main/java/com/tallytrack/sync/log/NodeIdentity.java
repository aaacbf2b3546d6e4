package com.tallytrack.sync.log;

import java.net.InetAddress;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * This node's id in the change log and in {@code sync_node}. Configured by {@code tallytrack.sync.node-id}; by
 * default host name, process id and a random suffix, so two nodes (or two application contexts in one JVM) never
 * share one. The id is not kept across restarts: a restarted node starts with empty caches and needs no history.
 */
public record NodeIdentity(String id) {

    public static NodeIdentity from(Environment environment) {
        String configured = Binder.get(environment).bind("tallytrack.sync.node-id", String.class).orElse(null);
        if (configured != null && !configured.isBlank()) {
            return new NodeIdentity(configured.strip());
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "node";
        }
        host = host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "");
        if (host.length() > 30) {
            host = host.substring(0, 30);
        }
        String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0x100000));
        return new NodeIdentity(host + "-" + ProcessHandle.current().pid() + "-" + suffix);
    }
}

package com.tallytrack.sync;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import com.tallytrack.TallyTrackApplication;
import com.tallytrack.manifest.Manifest;
import com.tallytrack.manifest.ManifestService;
import com.tallytrack.support.EmbeddedPostgres;
import com.tallytrack.tracking.PackageResolver;

/** Starts whole application nodes on the shared embedded PostgreSQL, each with its own node id. */
final class SyncNodes {

    private SyncNodes() {
    }

    static ConfigurableApplicationContext start(String nodeId, String... properties) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.profiles.active=test",
                "--spring.datasource.url=" + EmbeddedPostgres.jdbcUrl(),
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres",
                "--spring.datasource.hikari.maximum-pool-size=6",
                "--server.port=0",
                "--spring.jmx.enabled=false",
                "--spring.main.banner-mode=off",
                "--tallytrack.demo-data=false",
                "--tallytrack.security.jwt-secret=sync-multi-node-test-secret-0123456789abcdef0123456789abcdef",
                "--tallytrack.sync.node-id=" + nodeId));
        for (String p : properties) {
            args.add("--" + p);
        }
        return new SpringApplicationBuilder(TallyTrackApplication.class, SyncTestSupport.class)
                .run(args.toArray(String[]::new));
    }

    static void close(ConfigurableApplicationContext... nodes) {
        for (ConfigurableApplicationContext node : nodes) {
            if (node != null) {
                node.close();
            }
        }
    }

    static String packageOn(ConfigurableApplicationContext node, String trackingNumber) {
        return node.getBean(PackageResolver.class).resolve(trackingNumber).map(Manifest::packageNumber)
                .orElse(null);
    }

    static ManifestService manifests(ConfigurableApplicationContext node) {
        return node.getBean(ManifestService.class);
    }

    static SyncService sync(ConfigurableApplicationContext node) {
        return node.getBean(SyncService.class);
    }
}

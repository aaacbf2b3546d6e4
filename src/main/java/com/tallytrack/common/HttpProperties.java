package com.tallytrack.common;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code tallytrack.http.*}: limits of the HTTP layer.
 *
 * @param maxJsonBody largest request body other than a multipart upload (uploads have
 *                    {@code tallytrack.import.max-file-size}); larger ones are refused with 413 before they are read
 */
@ConfigurationProperties("tallytrack.http")
public record HttpProperties(@DefaultValue("1MB") DataSize maxJsonBody) {

    public HttpProperties {
        if (maxJsonBody == null || maxJsonBody.toBytes() < 1024 || maxJsonBody.toGigabytes() >= 1) {
            throw new IllegalArgumentException("tallytrack.http.max-json-body must be between 1KB and 1GB, was "
                    + maxJsonBody);
        }
    }

    public static final String MAX_JSON_BODY = "tallytrack.http.max-json-body";

    /** The limit as a person writes it ({@code 1MB}, {@code 512KB}), for messages. */
    public String maxJsonBodyText() {
        long bytes = maxJsonBody.toBytes();
        if (bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + "MB";
        }
        return bytes % 1024 == 0 ? bytes / 1024 + "KB" : bytes + "B";
    }
}

package io.klinepipeline.config;

import java.net.URI;
import java.util.Set;

/**
 * Where bronze objects are uploaded. The AWS default credential chain supplies credentials.
 *
 * @param endpoint null for AWS itself; set for S3-compatible stores (MinIO, S3Proxy)
 * @param pathStyle address buckets as {@code endpoint/bucket} rather than {@code bucket.endpoint}
 */
public record S3Config(boolean enabled, String bucket, String prefix, URI endpoint, String region, boolean pathStyle) {

    static S3Config from(ConfigNode node) {
        node.allowOnly("enabled", "bucket", "prefix", "endpoint", "region", "path_style");
        String prefix = node.optionalString("prefix", "");
        if (prefix.startsWith("/")) {
            throw ConfigNode.error(node.key("prefix"), "must not start with '/'");
        }
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        URI endpoint = node.optionalUri("endpoint", Set.of("http", "https"));
        return new S3Config(
                node.optionalBoolean("enabled", false),
                node.optionalString("bucket", "kline-pipeline-bronze"),
                prefix,
                endpoint,
                node.optionalString("region", "us-east-1"),
                node.optionalBoolean("path_style", endpoint != null));
    }
}

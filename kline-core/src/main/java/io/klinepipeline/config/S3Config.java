package io.klinepipeline.config;

import java.net.URI;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where bronze objects are uploaded. The AWS default credential chain supplies credentials.
 *
 * @param endpoint null for AWS itself; set for S3-compatible stores (MinIO, S3Proxy)
 * @param pathStyle address buckets as {@code endpoint/bucket} rather than {@code bucket.endpoint}
 */
public record S3Config(boolean enabled, String bucket, String prefix, URI endpoint, String region, boolean pathStyle) {
    /** AWS's "safe characters" for object keys, in folders that are neither empty, '.' nor '..'. */
    private static final Pattern PREFIX = Pattern.compile("((?!\\.{1,2}/)[A-Za-z0-9!_.*'()-]+/)+");
    /** AWS's general purpose bucket naming rules (S3Proxy and MinIO accept them too). */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern REGION = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    static S3Config from(ConfigNode node) {
        node.allowOnly("enabled", "bucket", "prefix", "endpoint", "region", "path_style");
        String prefix = node.optionalString("prefix", "");
        if (prefix.startsWith("/")) {
            throw ConfigNode.error(node.key("prefix"), "must not start with '/'");
        }
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        if (!prefix.isEmpty() && !PREFIX.matcher(prefix).matches()) {
            throw ConfigNode.error(node.key("prefix"), "must be folders of letters, digits and ! - _ . * ' ( ) separated by '/',"
                    + " none of them empty, '.' or '..', not '" + prefix + "'");
        }
        String bucket = node.optionalString("bucket", "kline-pipeline-bronze");
        if (!BUCKET.matcher(bucket).matches()) {
            throw ConfigNode.error(node.key("bucket"), "must be an S3 bucket name: 3-63 lower-case letters, digits, '.' and '-',"
                    + " beginning and ending with a letter or digit, not '" + bucket + "'");
        }
        String region = node.optionalString("region", "us-east-1");
        if (!REGION.matcher(region).matches()) {
            throw ConfigNode.error(node.key("region"), "must be a region name such as us-east-1, not '" + region + "'");
        }
        URI endpoint = node.optionalUri("endpoint", Set.of("http", "https"));
        return new S3Config(
                node.optionalBoolean("enabled", false),
                bucket,
                prefix,
                endpoint,
                region,
                node.optionalBoolean("path_style", endpoint != null));
    }
}

package io.klinepipeline.pipes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Encodes and decodes Pipes bootstrap parameters as {@code base64(zlib(UTF-8 JSON))}, the format
 * of {@code dagster_pipes.encode_param} / {@code decode_param}: standard base64 alphabet with
 * padding, and a zlib (RFC 1950) stream at the default compression level.
 */
public final class PipesParamCodec {

    private PipesParamCodec() {
    }

    /** Decodes a parameter value such as the content of {@code DAGSTER_PIPES_CONTEXT}. */
    public static JsonNode decode(String encoded) {
        if (encoded == null) {
            throw new DagsterPipesException("Cannot decode a Pipes parameter: the value is null");
        }
        byte[] compressed;
        try {
            compressed = Base64.getDecoder().decode(encoded.strip());
        } catch (IllegalArgumentException e) {
            throw new DagsterPipesException(
                    "Pipes parameter is not standard base64 (" + e.getMessage() + ")", e);
        }
        byte[] json = inflate(compressed);
        JsonNode node;
        try {
            node = PipesJson.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new DagsterPipesException(
                    "Pipes parameter does not decompress to JSON: " + e.getMessage(), e);
        }
        if (node == null || node.isMissingNode()) {
            throw new DagsterPipesException("Pipes parameter decompresses to an empty document");
        }
        return node;
    }

    /** Encodes any JSON-serializable value (a Jackson tree, a Map, a record...). */
    public static String encode(Object value) {
        byte[] json;
        try {
            json = PipesJson.MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new DagsterPipesException(
                    "Pipes parameter is not JSON-serializable: " + e.getOriginalMessage(), e);
        }
        return Base64.getEncoder().encodeToString(deflate(json));
    }

    private static byte[] inflate(byte[] compressed) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(compressed);
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, compressed.length * 4));
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new DagsterPipesException(
                            "Pipes parameter is a truncated zlib stream (" + compressed.length + " bytes)");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new DagsterPipesException(
                    "Pipes parameter is not a zlib stream (" + e.getMessage() + ")", e);
        } finally {
            inflater.end();
        }
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
        try {
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 2));
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                int n = deflater.deflate(buffer);
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }
}
